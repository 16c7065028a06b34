"""How the GraphQL HTTP view answers a request it refuses before execution.

Each refusal is a 4xx (or the 500 of a bug of ours) with a contract code, written by
`transport.error_body`: `Refusal` carries its own code and headers; strawberry's own
`HTTPException`s get theirs here by status (401 UNAUTHENTICATED, 405 with `Allow`, a 400
for a body that is no GraphQL request: GRAPHQL_PARSE_FAILED with the reason
`transport.request_json` gives, never the body's text).
"""

from __future__ import annotations

from cross_web import HTTPException
from starlette.responses import Response
from strawberry.types.graphql import OperationType

from transport.error_body import error_response
from transport.request_json import MalformedJson


class Refusal(HTTPException):
    """A request refused before execution, with its contract code and headers."""

    def __init__(
        self, status_code: int, reason: str, code: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.headers = headers or {}


def wrong_transport(operation_type: OperationType, method: str) -> Refusal:
    """A mutation over GET (405) or a subscription over HTTP (400): each has its transport."""
    if operation_type is OperationType.MUTATION:
        return Refusal(
            405, "Mutations are sent with POST, not GET.", "BAD_USER_INPUT", {"Allow": "POST"}
        )
    return Refusal(
        400,
        "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql.",
        "BAD_USER_INPUT",
    )


def http_error_response(error: HTTPException, media_type: str) -> Response:
    """The error body and status of a refusal, in the media type the client accepts."""
    status, reason, headers = error.status_code, error.reason, {}
    if isinstance(error, Refusal):
        code, headers = error.code, error.headers
    elif status == 401:
        code, reason = "UNAUTHENTICATED", "no bearer token"
    elif status == 405:
        code, headers = "BAD_USER_INPUT", {"Allow": "GET, POST"}
    elif status == 400:
        # the request itself is not a GraphQL request: not JSON, not an object, too deep,
        # a query or variables of the wrong type, a content type that is not JSON
        code = "GRAPHQL_PARSE_FAILED"
        if isinstance(error.__cause__, MalformedJson):
            reason = error.__cause__.msg
    elif status == 500:
        code = "INTERNAL_SERVER_ERROR"
    else:
        code = "BAD_USER_INPUT"
    return error_response(status, reason, code, headers=headers, media_type=media_type)
