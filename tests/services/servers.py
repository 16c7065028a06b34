"""Real servers for the tests: ASGI apps under uvicorn on loopback ports, in threads."""

from __future__ import annotations

import atexit
import functools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import uvicorn
from starlette.types import ASGIApp

from state_sim import build_state_sim_app
from transport.http_protocol import HubH11Protocol


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@contextmanager
def serve_app(app: ASGIApp) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", http=HubH11Protocol
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


_stack = ExitStack()
atexit.register(_stack.close)


@functools.cache
def state_sim_url() -> str:
    """One state-system simulator for the whole test process (every state healthy)."""
    return _stack.enter_context(serve_app(build_state_sim_app(delay=0.005)))
