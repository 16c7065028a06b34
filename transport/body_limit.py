"""The request body limit: a body over `max_bytes` is refused (413) before anyone parses it.

Outermost middleware of the app (see `app.create_app`): a declared `Content-Length` over
the limit (or not a number) is refused at once; a body that grows past it while it is read
is refused when it does, whatever the route reading it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from transport.error_body import error_response


class BodyTooLarge(Exception):
    """The body grew past the limit while an app read it; `BodySizeLimit` answers.

    An app that catches every exception (the GraphQL view) lets this one through.
    """


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` (413) before anyone parses them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body over {self.max_bytes} bytes"
        await error_response(413, message, "BAD_USER_INPUT")(scope, receive, send)
