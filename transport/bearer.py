"""Bearer-token authentication in front of the GraphQL endpoint."""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from policy.tokens import TokenRefused, bearer_token, verify_token
from settings import TokenSettings

VIEWER_KEY = "hub.viewer"


def _is_ide_page(scope: Scope, headers: Headers) -> bool:
    """GraphiQL's own page needs no token; the queries it sends do."""
    return (
        scope["method"] == "GET"
        and b"query=" not in scope.get("query_string", b"")
        and "text/html" in headers.get("accept", "")
    )


async def send_unauthenticated(send: Send, message: str) -> None:
    """HTTP 401 with the contract's UNAUTHENTICATED error body."""
    body = orjson.dumps(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b'Bearer realm="child-support-hub"'),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BearerAuthentication:
    """Verify the bearer token of every GraphQL HTTP request; put the viewer in the scope."""

    def __init__(self, app: ASGIApp, *, settings: TokenSettings, path: str = "/graphql") -> None:
        self.app = app
        self.settings = settings
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if _is_ide_page(scope, headers):
            await self.app(scope, receive, send)
            return
        try:
            viewer = verify_token(bearer_token(headers.get("authorization")), self.settings)
        except TokenRefused as refused:
            await send_unauthenticated(send, str(refused))
            return
        scope[VIEWER_KEY] = viewer
        await self.app(scope, receive, send)
