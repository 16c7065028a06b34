"""The GraphQL HTTP endpoint: context per request, our IDE page, errors as GraphQL errors.

Every refusal a client can cause is a 4xx with a contract code: a body that is not a
JSON object within the limits of `transport.request_json`, a mutation over GET (405,
`Allow: POST`), a subscription over HTTP (they are served over WebSocket), a request
without a query. Answers follow the GraphQL over HTTP spec's media types
(`transport.media_types`): under `application/graphql-response+json` a request error
is a 400 without `data`; under `application/json` every GraphQL answer is a 200. Its
refusals are made in `transport.graphql_refusals`; the body limit is `transport.body_limit`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType

from datasources.apq_stores import MemoryApqStore
from datasources.sources import Sources
from plans.answer_order import in_answer_order
from plans.cache import PlanCache
from policy.gate import Gate
from resolvers.context import Context, build_context
from schema.errors import INTERNAL_MESSAGE
from settings import Settings
from telemetry.requests import error_codes, note_codes, note_operation
from transport.bearer import VIEWER_KEY
from transport.body_limit import BodyTooLarge
from transport.draining import Draining
from transport.graphiql import render_ide_html
from transport.graphql_plans import PlannedHttp
from transport.graphql_refusals import Refusal, http_error_response, wrong_transport
from transport.graphql_ws import ANONYMOUS, HubTransportWsHandler
from transport.media_types import GRAPHQL_RESPONSE_JSON, response_media_type
from transport.persisted_documents import PersistedDocuments, Resolved, is_plannable
from transport.rate_limited import RETRY_AFTER_KEY, refuse_over_budget, retry_after_of
from transport.request_json import decode_request_json
from transport.ws_connections import WebSocketConnections

if TYPE_CHECKING:
    from strawberry.types import ExecutionResult

    from policy.tokens import Viewer

logger = logging.getLogger("hub.http")

_STATUS_KEY = "hub.graphql_status"
"""Where `process_result` leaves the status of a request error for `__call__`."""


class HubRequestAdapter(StarletteRequestAdapter):
    """Strawberry's request adapter, carrying the request's document from parsing to execution."""

    resolved: Resolved | None = None


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: no data, no error of a field, and none of ours (a 200 then)."""
    errors = result.errors or []
    codes = {(error.extensions or {}).get("code") for error in errors}
    return (
        result.data is None
        and bool(errors)
        and all(error.path is None for error in errors)
        and "INTERNAL_SERVER_ERROR" not in codes
    )


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view, with the hub's context, WebSocket handler and offline GraphiQL."""

    graphql_transport_ws_handler_class = HubTransportWsHandler
    request_adapter_class = HubRequestAdapter

    def __init__(
        self,
        schema: Any,
        *,
        sources: Sources,
        settings: Settings,
        gate: Gate,
        draining: Draining | None = None,
        persisted: PersistedDocuments | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
        )
        self.sources = sources
        self.settings = settings
        self.gate = gate
        self.draining = draining or Draining()
        """The open WebSockets, closed with 1001 when the process stops."""
        self.persisted = persisted or PersistedDocuments(MemoryApqStore())
        self.plans = PlanCache(schema)
        self.connections = WebSocketConnections(
            max_open=settings.rate_limits.ws_max_connections,
            max_per_subject=settings.rate_limits.ws_max_connections_per_subject,
        )
        self.planned = (
            PlannedHttp(
                self.plans, sources=sources, settings=settings, gate=gate, persisted=self.persisted
            )
            if settings.compiled_plans
            else None
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        viewer: Viewer | None = request.scope.get(VIEWER_KEY)
        if isinstance(request, WebSocket):
            viewer = ANONYMOUS  # until connection_init brings a token
        if viewer is None:
            raise HTTPException(401, "no bearer token")
        return build_context(
            request, viewer, sources=self.sources, settings=self.settings, gate=self.gate
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        # a GET naming a persisted document by hash alone is a query, not the IDE
        params = request.query_params
        named = "extensions" in params or "documentId" in params
        return not named and super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        page = render_ide_html("/graphql", development=self.settings.is_development)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    def encode_json(self, data: object) -> str:
        # text, not bytes: strawberry sends a str as a WebSocket text frame, and
        # graphql-transport-ws (graphql-ws, GraphiQL) refuses binary frames
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        # HTTP bodies, GET's variables and extensions, and WebSocket frames
        return decode_request_json(data)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        if isinstance(parsed, GraphQLRequestData) and not isinstance(
            parsed.operation_name, str | None
        ):
            raise Refusal(400, "`operationName` must be a string or null.", "BAD_USER_INPUT")
        if isinstance(parsed, GraphQLRequestData):
            # before any parse: a persisted query's hash, and the trusted documents' rule
            resolved = await self.persisted.resolve(
                parsed.query, parsed.extensions, await _document_id(request)
            )
            parsed.query = resolved.query
            cast("HubRequestAdapter", request).resolved = resolved  # our request_adapter_class
        return parsed

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        note_operation(request_data.operation_name, request_data.query)
        allowed = {OperationType.QUERY}
        if method == "POST":
            allowed.add(OperationType.MUTATION)  # subscriptions are served over WebSocket
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            raise wrong_transport(error.operation_type, method) from None
        except MissingQueryError:
            raise Refusal(400, "No GraphQL query found in the request.", "BAD_USER_INPUT") from None
        except CannotGetOperationTypeError:  # OperationChoice refuses these first
            raise Refusal(
                400, "The request names no operation to run.", "GRAPHQL_VALIDATION_FAILED"
            ) from None
        resolved = getattr(request_adapter, "resolved", None)
        if isinstance(resolved, Resolved) and not _is_request_error(result):
            await self.persisted.register(resolved)
        if (
            self.planned is not None
            and method == "POST"
            and not _is_request_error(result)
            and is_plannable(request_data.extensions)
            and isinstance(request_data.query, str)
        ):
            self.plans.learn(
                (
                    request_data.query,
                    request_data.operation_name,
                    context.viewer.role,
                    context.viewer.fti,
                )
            )
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = in_answer_order(result.errors, result.data)
            note_codes(error_codes(result.errors))
        answer = await super().process_result(request, result)
        if _is_request_error(result) and _accepted(request) == GRAPHQL_RESPONSE_JSON:
            answer.pop("data", None)
            request.scope[_STATUS_KEY] = 400
        request.scope[RETRY_AFTER_KEY] = retry_after_of(result.errors or [])
        return answer

    async def _over_budget(self, request: Request) -> Response | None:
        viewer: Viewer | None = request.scope.get(VIEWER_KEY)
        if viewer is None:
            return None
        return await refuse_over_budget(request, viewer, gate=self.gate, trail=self.sources.audit)

    async def _planned(self, request: Request) -> Response | None:
        viewer: Viewer | None = request.scope.get(VIEWER_KEY)
        if self.planned is None or viewer is None:
            return None
        return await self.planned.answer(request, viewer)

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
                response = (
                    await self._over_budget(request)
                    or await self._planned(request)
                    or await self.run(request)
                )
                _negotiate(request, response)
        except HTTPException as error:
            response = http_error_response(error, _accepted(request))
        except BodyTooLarge:
            raise  # BodySizeLimit answers
        except Exception as error:  # a bug of ours: the type in the log, a code to the client
            logger.error("request not handled (%s)", type(error).__name__)
            internal = HTTPException(500, INTERNAL_MESSAGE)
            response = http_error_response(internal, _accepted(request))
        await response(scope, receive, send)


async def _document_id(request: AsyncHTTPRequestAdapter) -> object:
    """GraphQL over HTTP's `documentId` (persisted documents), if the request names one."""
    if request.method == "GET":
        return request.query_params.get("documentId")
    raw = await request.get_body()
    if b"documentId" not in raw:  # the common case, without decoding the body twice
        return None
    return decode_request_json(raw).get("documentId")


def _accepted(request: Request) -> str:
    return response_media_type(request.headers.get("accept"))


def _negotiate(request: Request, response: Response) -> None:
    """Give a JSON answer the media type the client accepts, and a request error its status."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return  # GraphiQL's page
    response.headers["content-type"] = _accepted(request)
    response.status_code = request.scope.get(_STATUS_KEY, response.status_code)
    if request.scope.get(RETRY_AFTER_KEY) is not None:  # a search refused by its budget
        response.headers["Retry-After"] = str(request.scope[RETRY_AFTER_KEY])
