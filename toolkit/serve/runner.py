"""Running the application on uvicorn: in the foreground (``toolkit serve``) or on a thread
(tests, benchmarks), always on one event loop with one worker thread behind it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.serve.app import ServeConfig, Server, create_app


def _uvicorn_server(app: Any, log_level: str, access_log: bool) -> Any:
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def serve(config: ServeConfig, host: str, port: int, log_level: str = "info") -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import uvicorn

    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
    )
    server.run()
    if not server.started:
        raise ToolkitError(f"could not serve on {host}:{port}", hint="is the port in use?")


@dataclass(frozen=True)
class Running:
    url: str  # http://127.0.0.1:PORT
    server: Server  # the application's state (its batcher's stats, its service)


@contextmanager
def in_thread(
    config: ServeConfig, host: str = "127.0.0.1", log_level: str = "warning"
) -> Iterator[Running]:
    """The application served on a free port of ``host`` by a background thread, stopped (its
    worker and memory closed) when the block ends."""
    app = create_app(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = _uvicorn_server(app, log_level, access_log=False)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="toolkit-serve", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ToolkitError("the server did not start")
            time.sleep(0.01)
        yield Running(f"http://{host}:{port}", app.server)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
