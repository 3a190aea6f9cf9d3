"""HTTP plumbing: request parameters, LibreTranslate's error shape, the body limit, file store.

Errors are ``{"error": "..."}`` with the status LibreTranslate uses (400 bad input, 403 API key,
413 body too large, 429 busy, 500 unexpected). A body over the limit is refused without being
kept: a declared length over the limit is answered at once (after draining what the client
sends, up to a bound, so it can read the answer instead of seeing a reset connection), and a
body without a declared length is counted as it streams in.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiError(ToolkitError):
    """An answer other than 200, with its status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")


async def read_params(request: Any) -> dict[str, Any]:
    """A request's parameters: the query string, then a JSON object or form fields (files are
    :class:`starlette.datastructures.UploadFile` values; the form stays open with the request)."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return params
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        try:
            data = json.loads(body) if body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        params.update(data)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        from starlette.exceptions import HTTPException

        try:
            form = await request.form(max_files=4, max_fields=64)
        except HTTPException as exc:
            raise ApiError(400, f"Invalid form data: {exc.detail}") from None
        for key in form:
            params[key] = form.get(key)
    return params


class TooLarge(ApiError):
    """Raised from ``receive`` when a streamed body passes the limit (a 413 answer)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with a 413."""

    def __init__(self, app: ASGIApp, limit: int, drain: int = 64 << 20) -> None:
        self.app, self.limit, self.drain = app, limit, drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
        if declared is not None and declared > self.limit:
            if declared <= self.drain:
                await self._discard(receive)
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if message.get("more_body", False):
                        await self._discard(receive, received)
                    raise TooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await self._refuse(send)

    async def _discard(self, receive: Receive, seen: int = 0) -> None:
        """Read and drop the rest of the body (bounded), so the client gets to read the 413."""
        while seen <= self.drain:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _refuse(self, send: Send) -> None:
        body = error_body(TooLarge(self.limit).message)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name for a download: the upload's base name, word characters, dots and dashes."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "file"
    return cleaned[:120]


class FileStore:
    """Translated files waiting to be downloaded: a temp folder, the newest ``keep`` files."""

    def __init__(self, keep: int = 256) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="toolkit-serve-files-"))
        self.keep = keep
        self._files: OrderedDict[str, tuple[Path, str]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, name: str, text: str) -> str:
        """Store ``text`` as ``name``; the token of its download URL."""
        token = uuid.uuid4().hex
        path = self.root / token
        path.write_text(text, encoding="utf-8")
        with self._lock:
            self._files[token] = (path, name)
            while len(self._files) > self.keep:
                _, (old, _name) = self._files.popitem(last=False)
                old.unlink(missing_ok=True)
        return token

    def get(self, token: str) -> tuple[Path, str] | None:
        with self._lock:
            return self._files.get(token)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
