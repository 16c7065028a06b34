"""Real uvicorn servers on loopback ports, in background threads: the simulated states."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from state_sim import build_state_sim_app

START_TIMEOUT_SECONDS = 20


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(app: ASGIApp, name: str) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 until the block ends; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = _Server(config)
    thread = threading.Thread(target=server.run, name=f"bench-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the {name} server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def state_systems(delay: float) -> Iterator[str]:
    """The simulated state case systems (QUICK), answering after about `delay` seconds."""
    with serve(build_state_sim_app(delay=delay), "state-sim") as url:
        yield url
