"""The hub in a real uvicorn server on a loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from app import create_app
from settings import Settings

START_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class LiveHub:
    base_url: str
    app: Starlette


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_hub(settings: Settings) -> Iterator[LiveHub]:
    """Serve the hub on 127.0.0.1 until the block ends."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = _Server(config)
    thread = threading.Thread(target=server.run, name="hub-bench-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the hub did not start")
        time.sleep(0.05)
    try:
        yield LiveHub(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(10)
