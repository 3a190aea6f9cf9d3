"""The Starlette application: LibreTranslate's API, the glossary extensions and the web page.

LibreTranslate endpoints, same parameters and answer shapes: ``POST /translate``, ``GET
/languages``, ``POST /detect``, ``POST /translate_file`` + ``GET /download_file/{name}``,
``GET /frontend/settings``. Extensions: the ``glossary`` parameter of ``/translate``,
``/translate_file`` and ``/glossary/scan`` (``default``, ``none`` or ``source=target`` pairs)
and the ``status``, ``terms`` and ``notes`` fields of a translation; ``GET /glossary/lookup?q=``,
``POST /glossary/scan``; ``GET /stats`` (the batcher's counters).

Handlers only read parameters and shape answers: checking and segmenting run in Starlette's
thread pool, translation in the batcher's passes on the worker thread, so the event loop stays
free for other callers. (Starlette is imported here at the top: only ``toolkit serve`` imports
this module, inside the command.)
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from toolkit.errors import ModelError, ToolkitError, UsageError
from toolkit.mt.engine import DecodeOptions
from toolkit.serve import languages
from toolkit.serve.batching import Batcher, Busy
from toolkit.serve.service import ItemResult, Service, Worker
from toolkit.serve.web import ApiError, BodyLimit, FileStore, error_body, read_params, safe_name

log = logging.getLogger("toolkit.serve")

FILE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``toolkit serve`` sets."""

    glossary_dir: Path | None = None  # None: the default glossary folder
    memory_path: Path | None = None  # None: the data dir's memory
    reviewed_dir: Path | None = None  # PO catalogs whose reviewed entries feed the memory
    api_keys: frozenset[str] = field(default_factory=frozenset)
    # Padded batches: a server's few concurrent sentences fill them (README § The server).
    decode: DecodeOptions = field(default_factory=lambda: DecodeOptions(batching="padded"))
    window: float = 0.005  # seconds the batcher waits to gather concurrent requests
    passes: int = 1  # pipeline passes running at once (worker threads)
    char_limit: int = -1  # characters per /translate request (-1: none)
    max_body: int = 2 << 20  # bytes per request body
    max_pending: int = 20_000  # segments waiting before requests get 429
    frontend_timeout: int = 500


def load_keys(path: Path) -> frozenset[str]:
    """API keys from a file, one per line (blank lines and ``#`` comments ignored)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the API keys file ({exc})", path=path) from None
    keys = frozenset(s for line in lines if (s := line.strip()) and not s.startswith("#"))
    if not keys:
        raise UsageError("the API keys file holds no key", path=path)
    return keys


class Server:
    """The state the routes share, and the routes."""

    def __init__(self, config: ServeConfig) -> None:
        from toolkit.config import default_glossary_dir
        from toolkit.glossary.store import load_glossary

        self.config = config
        folder = config.glossary_dir or default_glossary_dir()
        self.service = Service(load_glossary(folder), config.decode)
        self.worker = Worker(config.memory_path, config.reviewed_dir, config.passes)
        self.batcher: Batcher[list[ItemResult]] = Batcher(
            self.service.run_group,
            self.worker.submit,
            config.window,
            config.max_pending,
            config.passes,
        )
        self.files = FileStore()

    # -- helpers --------------------------------------------------------------------------
    def check_key(self, params: dict[str, Any]) -> None:
        keys = self.config.api_keys
        if not keys:
            return
        given = params.get("api_key")
        if not isinstance(given, str) or not given:
            raise ApiError(403, "Invalid request: an API key is required (api_key)")
        if not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
            raise ApiError(403, "Invalid API key")

    async def translate_texts(
        self, texts: Sequence[Any], fmt: str, params: dict[str, Any]
    ) -> tuple[list[ItemResult], list[Any]]:
        """Results and prepared items of ``texts`` under the request's source/target/glossary."""
        target = params.get("target")
        if not target:
            raise ApiError(400, "Invalid request: missing target parameter")
        source = params.get("source") or "auto"

        def prepare() -> Any:
            from toolkit.serve.glossaries import choose

            source_option = languages.source_option(source)
            tag = languages.target_tag(target)
            service = self.service
            choice = choose(params.get("glossary"), service.glossary, service.empty, tag, source)
            return service.prepare(texts, fmt, source_option, tag, choice)

        request = await run_in_threadpool(prepare)
        return await self.batcher.submit(request), list(request.items)

    # -- LibreTranslate's endpoints -------------------------------------------------------
    async def translate(self, request: Request) -> dict[str, Any]:
        params = await read_params(request)
        self.check_key(params)
        q = params.get("q")
        if q is None or q == "" or q == []:
            raise ApiError(400, "Invalid request: missing q parameter")
        batch = isinstance(q, list)
        texts = q if batch else [q]
        if not all(isinstance(text, str) for text in texts):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        fmt = params.get("format") or "text"
        if fmt not in ("text", "html"):
            raise ApiError(400, f"{fmt} format is not supported")
        alternatives = _count(params.get("alternatives"), "alternatives")
        limit = self.config.char_limit
        chars = sum(len(text) for text in texts)
        if limit >= 0 and chars > limit:
            raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit ({limit})")
        results, items = await self.translate_texts(texts, fmt, params)

        def shape(values: list[Any]) -> Any:
            return values if batch else values[0]

        answer: dict[str, Any] = {"translatedText": shape([r.text for r in results])}
        if (params.get("source") or "auto") == "auto":
            answer["detectedLanguage"] = shape([item.detected for item in items])
        if alternatives:
            answer["alternatives"] = shape([[] for _ in results])
        answer["status"] = shape([r.status for r in results])
        answer["terms"] = shape([list(r.terms) for r in results])
        answer["notes"] = shape([list(r.notes) for r in results])
        return answer

    async def languages(self, request: Request) -> list[dict[str, Any]]:
        return await run_in_threadpool(languages.available)

    async def detect(self, request: Request) -> list[dict[str, Any]]:
        params = await read_params(request)
        self.check_key(params)
        q = params.get("q")
        if not q:
            raise ApiError(400, "Invalid request: missing q parameter")
        if not isinstance(q, str):
            raise ApiError(400, "Invalid request: q must be a string")
        return await run_in_threadpool(languages.detect, q)

    async def translate_file(self, request: Request) -> dict[str, Any]:
        params = await read_params(request)
        self.check_key(params)
        upload = params.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(400, "Invalid request: missing file parameter")
        name = safe_name(upload.filename or "")
        suffix = Path(name).suffix.lower()
        if not upload.filename or suffix not in FILE_SUFFIXES:
            raise ApiError(400, "Invalid request: file format not supported")
        text = _decode(await upload.read())
        results, _items = await self.translate_texts([text], "file", params)
        target = languages.target_tag(params.get("target"))
        out_name = f"{Path(name).stem}.{target}{suffix}"
        token = self.files.put(out_name, results[0].text)
        url = request.url_for("download_file", name=f"{token}.{out_name}")
        return {"translatedFileUrl": str(url), "status": results[0].status}

    async def download_file(self, request: Request) -> Any:
        token = request.path_params["name"].split(".", 1)[0]
        found = self.files.get(token)
        if found is None:
            raise ApiError(404, "Invalid filename")
        path, name = found
        kind = "text/html" if name.endswith((".html", ".htm")) else "text/plain"
        return FileResponse(path, media_type=f"{kind}; charset=utf-8", filename=name)

    async def frontend_settings(self, request: Request) -> dict[str, Any]:
        listed = await run_in_threadpool(languages.available)
        codes = [entry["code"] for entry in listed]
        target = "en" if "en" in codes else (codes[0] if codes else "en")
        keys = bool(self.config.api_keys)
        return {
            "charLimit": self.config.char_limit,
            "frontendTimeout": self.config.frontend_timeout,
            "apiKeys": keys,
            "keyRequired": keys,
            "suggestions": False,
            "filesTranslation": True,
            "supportedFilesFormat": list(FILE_SUFFIXES),
            "language": {
                "source": {"code": "auto", "name": "Auto Detect"},
                "target": {"code": target, "name": languages.NAMES.get(target, target)},
            },
        }

    # -- glossary extensions --------------------------------------------------------------
    async def glossary_lookup(self, request: Request) -> list[dict[str, Any]]:
        from toolkit.serve.glossaries import lookup_records

        params = await read_params(request)
        self.check_key(params)
        q = params.get("q")
        if not isinstance(q, str) or not q.strip():
            raise ApiError(400, "Invalid request: missing q parameter")
        index = await run_in_threadpool(self.service.lookup_index)
        return await run_in_threadpool(lookup_records, index, q)

    async def glossary_scan(self, request: Request) -> Any:
        from toolkit.serve.glossaries import choose, scan_records

        params = await read_params(request)
        self.check_key(params)
        q = params.get("q")
        if q is None or q == "" or q == []:
            raise ApiError(400, "Invalid request: missing q parameter")
        texts = q if isinstance(q, list) else [q]
        if not all(isinstance(text, str) for text in texts):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")

        def scan() -> list[list[dict[str, Any]]]:
            target = languages.target_tag(params.get("target") or "en")
            source = params.get("source") or "auto"
            service = self.service
            glossary = choose(
                params.get("glossary"), service.glossary, service.empty, target, source
            ).glossary
            return [scan_records(text, glossary, f"q{n}") for n, text in enumerate(texts, 1)]

        found = await run_in_threadpool(scan)
        return found if isinstance(q, list) else found[0]

    async def stats(self, request: Request) -> dict[str, Any]:
        return {"window_ms": self.config.window * 1000, **self.batcher.stats.as_dict()}

    async def page(self, request: Request) -> Any:
        from toolkit.serve.page import PAGE

        return HTMLResponse(PAGE)

    # -- lifecycle ----------------------------------------------------------------------------
    @asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        await self.batcher.start()
        try:
            yield
        finally:
            await self.batcher.stop()
            self.worker.close()
            self.files.close()


def _count(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Invalid request: {name} must be an integer") from None
    if number < 0:
        raise ApiError(400, f"Invalid request: {name} must not be negative")
    return number


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise ApiError(400, "Invalid request: not a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"Invalid request: not valid UTF-8 (byte {exc.start})") from None


def _status(exc: Exception) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    if isinstance(exc, Busy):
        return 429
    if isinstance(exc, ModelError):
        return 500
    return 400 if isinstance(exc, ToolkitError) else 500


def _endpoint(handler: Any) -> Any:
    """Wrap a handler: its value as JSON, any failure as ``{"error": ...}`` with its status."""

    async def endpoint(request: Request) -> Response:
        try:
            value = await handler(request)
        except Exception as exc:  # every failure is an answer; the server goes on
            status = _status(exc)
            if status == 500:
                log.exception("%s %s failed", request.method, request.url.path)
            message = str(exc) if isinstance(exc, ToolkitError) else f"internal error: {exc!r}"
            return Response(error_body(message), status, media_type="application/json")
        return value if isinstance(value, Response) else JSONResponse(value)

    return endpoint


def create_app(config: ServeConfig) -> Any:
    """The ASGI application (Starlette wrapped in the body limit)."""
    server = Server(config)
    routes = [
        Route("/", _endpoint(server.page), methods=["GET"]),
        Route("/translate", _endpoint(server.translate), methods=["POST"]),
        Route("/languages", _endpoint(server.languages), methods=["GET", "POST"]),
        Route("/detect", _endpoint(server.detect), methods=["POST"]),
        Route("/translate_file", _endpoint(server.translate_file), methods=["POST"]),
        Route(
            "/download_file/{name}",
            _endpoint(server.download_file),
            methods=["GET"],
            name="download_file",
        ),
        Route("/frontend/settings", _endpoint(server.frontend_settings), methods=["GET"]),
        Route("/glossary/lookup", _endpoint(server.glossary_lookup), methods=["GET", "POST"]),
        Route("/glossary/scan", _endpoint(server.glossary_scan), methods=["POST"]),
        Route("/stats", _endpoint(server.stats), methods=["GET"]),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "error")
        return Response(error_body(str(detail)), status, media_type="application/json")

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=server.lifespan,
    )
    app.state.server = server
    limited = BodyLimit(app, config.max_body)
    limited.server = server  # type: ignore[attr-defined]
    return limited
