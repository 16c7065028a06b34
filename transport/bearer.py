"""Bearer-token authentication: the one place that decides the viewer of an HTTP request.

The middleware checks the `Authorization` header of every HTTP request once, with
`policy.tokens.authenticate` (the check the WebSocket's `connection_init` uses too), and
leaves the outcome in the scope: the viewer under `VIEWER_KEY`, or the refusal. A GraphQL
request without a viewer is answered 401 here (GraphiQL's own page needs no token); a
route that answers a refusal its own way, after its own checks (the document download:
405 for a wrong method first), asks `request_viewer` for what the middleware decided.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from datasources.identity_keys import IdentityKeySource
from policy.tokens import TokenRefused, Viewer, authenticate
from settings import TokenSettings
from transport.error_body import BEARER_CHALLENGE, send_error

VIEWER_KEY = "hub.viewer"
_REFUSED_KEY = "hub.token_refused"
_NOT_AUTHENTICATED = "no bearer token"
"""The refusal of a request the middleware did not see (it authenticates every HTTP request)."""


def _is_ide_page(scope: Scope, headers: Headers) -> bool:
    """GraphiQL's own page needs no token; the queries it sends do."""
    return (
        scope["method"] == "GET"
        and b"query=" not in scope.get("query_string", b"")
        and "text/html" in headers.get("accept", "")
    )


async def send_unauthenticated(send: Send, message: str) -> None:
    """HTTP 401 with the contract's UNAUTHENTICATED error body."""
    challenge = [(b"www-authenticate", BEARER_CHALLENGE.encode())]
    await send_error(send, 401, message, "UNAUTHENTICATED", headers=challenge)


def request_viewer(scope: Scope) -> Viewer:
    """The viewer `BearerAuthentication` found for this request; else its `TokenRefused`."""
    viewer = scope.get(VIEWER_KEY)
    if isinstance(viewer, Viewer):
        return viewer
    refused = scope.get(_REFUSED_KEY)
    raise refused if isinstance(refused, TokenRefused) else TokenRefused(_NOT_AUTHENTICATED)


class BearerAuthentication:
    """Verify the bearer token of every HTTP request; put the viewer (or refusal) in the scope.

    Requests to `path` (the GraphQL endpoint) without a valid token are answered 401 at once.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: TokenSettings,
        keys: IdentityKeySource | None = None,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.settings = settings
        self.keys = keys
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        graphql = scope["path"].rstrip("/") == self.path
        if graphql and _is_ide_page(scope, headers):
            await self.app(scope, receive, send)  # the page, with no viewer: the view renders it
            return
        try:
            authorization = headers.get("authorization")
            scope[VIEWER_KEY] = await authenticate(authorization, self.settings, self.keys)
        except TokenRefused as refused:
            if graphql:
                await send_unauthenticated(send, str(refused))
                return
            scope[_REFUSED_KEY] = refused
        await self.app(scope, receive, send)
