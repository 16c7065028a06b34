"""One read connection per source per HTTP request (`datasources.read_connections`).

Around each HTTP request the reads of one source share one connection, checked out on
the request's first read of it and given back as the answer starts to leave (its body
is made by then). A read after that, by a streamed body, gets a connection of its own.
A WebSocket connection may live for hours and serve many operations: it is passed
through, and its reads check out a connection per batch.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from datasources.read_connections import read_scope


class SourceScope:
    """Open a read scope for each HTTP request; close it when the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with read_scope() as reads:

            async def send_after_release(message: Message) -> None:
                if message["type"] == "http.response.start":
                    await reads.close()
                await send(message)

            await self.app(scope, receive, send_after_release)
