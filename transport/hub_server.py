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

import socket
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

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.draining.begin()
        for server in self.servers:
            server.close()  # uvicorn closes them again: closing twice is harmless
        await self.draining.close_sockets(SOCKET_CLOSE_SECONDS)
        await super().shutdown(sockets)
