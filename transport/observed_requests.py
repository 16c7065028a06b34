"""Each request's id, its server span, its one access line and its metrics.

The outermost middleware. A request gets its id (`telemetry.request_ids`: the trace-id
of its `traceparent`, a well-formed `X-Request-Id`, or a new one), which its answer
carries back in `X-Request-Id` (an HTTP answer's header, or a WebSocket's accept). What
the request ran is noted on its `RequestRecord` by the code that answers it: the
operation's bounded name and the codes of its errors. When the answer has left, one line
goes to the `hub.access` logger: request id, method, route (its template: a path
parameter is written as `{name}`, never as its value), status, duration, operation, the
viewer's role and jurisdiction, the codes. Never the query string: a GET carries the
query and its variables there.
"""

from __future__ import annotations

import logging
from time import perf_counter
from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telemetry.metrics import count_request
from telemetry.request_ids import request_id_of
from telemetry.requests import RequestRecord, recording
from telemetry.tracing import server_span
from transport.bearer import VIEWER_KEY

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from policy.tokens import Viewer

logger = logging.getLogger("hub.access")

REQUEST_ID_KEY = "hub.request_id"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_UNMATCHED = "unmatched"


def route_of(scope: Scope) -> str:
    """The route a request matched, as its template; `unmatched` when none did."""
    if "endpoint" not in scope:
        return _UNMATCHED
    names = {str(value): name for name, value in scope.get("path_params", {}).items()}
    path: str = scope.get("root_path", "") + scope["path"]
    segments = ["{" + names[part] + "}" if part in names else part for part in path.split("/")]
    return "/".join(segments)


class ObservedRequests:
    """Give each request an id; trace, log and count it once its answer has left."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = request_id_of(headers)
        scope[REQUEST_ID_KEY] = request_id
        echoed = (b"x-request-id", request_id.encode())
        status = 500  # until the answer starts: a bug of ours, or the client gone

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.accept"):
                message["headers"] = [*message.get("headers", ()), echoed]
                status = message.get("status", 101)
            await send(message)

        method = scope.get("method", "GET") if scope["type"] == "http" else "WEBSOCKET"
        method = method if method in _METHODS or method == "WEBSOCKET" else "OTHER"
        started = perf_counter()
        with (
            recording(request_id) as record,
            server_span(method, headers, {"hub.request_id": request_id}) as span,
        ):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                seconds = perf_counter() - started
                _report(scope, record, method, status, seconds, span)


def _report(
    scope: Scope,
    record: RequestRecord,
    method: str,
    status: int,
    seconds: float,
    span: Span | None,
) -> None:
    route = route_of(scope)
    viewer: Viewer | None = scope.get(VIEWER_KEY)
    role = viewer.role if viewer is not None else None
    jurisdiction = viewer.jurisdiction if viewer is not None else None
    if scope["type"] == "http":
        count_request(record.operation, status, record.codes, seconds)
    logger.info(
        "request",
        extra={
            "request_id": record.request_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "operation": record.operation,
            "role": role,
            "jurisdiction": jurisdiction,
            "codes": record.codes,
        },
    )
    if span is not None:
        span.update_name(f"{method} {route}")
        span.set_attributes(
            {
                "http.request.method": method,
                "http.route": route,
                "http.response.status_code": status,
                "graphql.operation.name": record.operation,
                "hub.role": role or "",
                "hub.codes": record.codes,
            }
        )
