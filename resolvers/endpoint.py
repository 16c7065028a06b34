"""The GraphQL HTTP endpoint: context per request, our IDE page, errors as GraphQL errors."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from ide import render_ide_html
from policy.authentication import VIEWER_KEY
from policy.enforcer import PolicyDecider
from resolvers.context import Context, Sources, build_context
from resolvers.websocket import ANONYMOUS, HubTransportWsHandler
from settings import Settings

if TYPE_CHECKING:
    from policy.tokens import Viewer


def _error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the hub's context, WebSocket handler and offline GraphiQL."""

    graphql_transport_ws_handler_class = HubTransportWsHandler

    def __init__(
        self, schema: Any, *, sources: Sources, settings: Settings, decider: PolicyDecider
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
        )
        self.sources = sources
        self.settings = settings
        self.decider = decider

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        viewer: Viewer | None = request.scope.get(VIEWER_KEY)
        if isinstance(request, WebSocket):
            viewer = ANONYMOUS  # until connection_init brings a token
        if viewer is None:
            raise HTTPException(401, "no bearer token")
        return build_context(
            request, viewer, sources=self.sources, settings=self.settings, decider=self.decider
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_ide_html("/graphql"), headers={"Cache-Control": "no-store"})

    def encode_json(self, data: object) -> str:
        # text, not bytes: strawberry sends a str as a WebSocket text frame, and
        # graphql-transport-ws (graphql-ws, GraphiQL) refuses binary frames
        return orjson.dumps(data).decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            if VIEWER_KEY not in scope and request.method == "GET":
                # authentication lets only GraphiQL's own page through without a viewer
                response = await self.render_graphql_ide(request)
            else:
                response = await self.run(request)
        except HTTPException as error:
            response = _http_error_response(error)
        await response(scope, receive, send)


def _http_error_response(error: HTTPException) -> Response:
    if error.status_code == 401:
        return JSONResponse(_error_body("no bearer token", "UNAUTHENTICATED"), status_code=401)
    if error.status_code == 405:
        return JSONResponse(_error_body(error.reason, "BAD_USER_INPUT"), status_code=405)
    code = "GRAPHQL_PARSE_FAILED" if error.status_code == 400 else "BAD_USER_INPUT"
    return JSONResponse(_error_body(error.reason, code), status_code=error.status_code)


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
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = _error_body(f"request body over {self.max_bytes} bytes", "BAD_USER_INPUT")
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass
