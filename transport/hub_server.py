"""uvicorn's server, stopping the way the hub must on SIGTERM (or SIGINT).

uvicorn on its own stops accepting, lets in-flight requests finish (up to
`timeout_graceful_shutdown`), drops what is left, and only then runs the app's lifespan
shutdown. Its open WebSockets it closes with 1012 only after that graceful wait, so a
subscription, which never ends by itself, would hold the process for the whole timeout. The
order here:

1. the signal: `Draining.begin` at once, so `/readyz` answers 503 from then on;
2. the listening sockets close: new connections are refused;
3. every open WebSocket is closed with 1001 (going away), its client free to reconnect to
   another process;
4. uvicorn's own shutdown: in-flight HTTP requests finish, each writing its audit events
   before it answers (`policy.audit.write_before_answer`);
5. the lifespan's end (`app.py`): the audit's queued groups are committed
   (`AuditTrail.flush`), then the engines are disposed.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from types import FrameType

import uvicorn

from transport.draining import Draining

SOCKET_CLOSE_SECONDS = 5.0
"""How long the 1001 closes may take before uvicorn's shutdown goes on regardless."""


class HubServer(uvicorn.Server):
    """`uvicorn.Server` that drains the hub's WebSockets before it waits for requests."""

    def __init__(self, config: uvicorn.Config, *, draining: Draining) -> None:
        super().__init__(config)
        self.draining = draining

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.draining.begin()
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn raises the signal again once it has shut down, against the handler it
        # found: for SIGTERM the default one, so a clean drain would die of it (exit 143).
        # A SIGTERM answered by a graceful shutdown ends the process with 0, as an
        # orchestrator expects of a stop it asked for.
        if threading.current_thread() is not threading.main_thread():
            with super().capture_signals():
                yield
            return
        previous = signal.signal(signal.SIGTERM, _answered)
        try:
            with super().capture_signals():
                yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.draining.begin()
        for server in self.servers:
            server.close()  # uvicorn closes them again: closing twice is harmless
        await self.draining.close_sockets(SOCKET_CLOSE_SECONDS)
        await super().shutdown(sockets)


def _answered(sig: int, frame: FrameType | None) -> None:
    """The SIGTERM uvicorn raises again after its shutdown: already handled."""
