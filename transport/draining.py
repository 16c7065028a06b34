"""The process is stopping: `/readyz` says so at once, and open WebSockets close with 1001.

uvicorn finishes in-flight HTTP requests when it stops, but a subscription has no end of
its own: uvicorn would wait for it until its graceful timeout and then drop it with 1012.
`Draining` knows the hub's open sockets (`transport.graphql_ws` tracks each) and closes
them with 1001 ("going away") when the server begins its shutdown
(`transport.hub_server.HubServer`), so that clients reconnect to another process at once.
A socket accepted while draining is closed the same way.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

logger = logging.getLogger("hub.shutdown")

GOING_AWAY = 1001
GOING_AWAY_REASON = "Server shutting down"


class ClosableSocket(Protocol):
    """An open WebSocket the hub serves."""

    async def close_going_away(self) -> None:
        """Close the socket with 1001; return once the close frame is sent."""
        ...


class Draining:
    """Whether the process is stopping, and the sockets to close when it does."""

    def __init__(self) -> None:
        self.started = False
        self._sockets: set[ClosableSocket] = set()

    @property
    def open_sockets(self) -> int:
        return len(self._sockets)

    def track(self, socket: ClosableSocket) -> bool:
        """Remember `socket` until `forget`; False (not tracked) when already draining."""
        if self.started:
            return False
        self._sockets.add(socket)
        return True

    def forget(self, socket: ClosableSocket) -> None:
        self._sockets.discard(socket)

    def begin(self) -> None:
        """Mark the process stopping; synchronous, so a signal handler may call it."""
        self.started = True

    async def close_sockets(self, wait_seconds: float) -> int:
        """Begin draining and close every open socket with 1001; return how many.

        Waits at most `wait_seconds` for the close frames to be sent; a client that
        does not answer its close is left to uvicorn's own shutdown.
        """
        self.begin()
        sockets = list(self._sockets)
        if sockets:
            closing = [asyncio.ensure_future(socket.close_going_away()) for socket in sockets]
            done, pending = await asyncio.wait(closing, timeout=wait_seconds)
            for task in pending:
                task.cancel()
            failed = sum(1 for task in done if task.cancelled() or task.exception() is not None)
            logger.info(
                "closed %d WebSocket(s) with 1001 (%d not in time, %d failed)",
                len(sockets),
                len(pending),
                failed,
            )
        return len(sockets)
