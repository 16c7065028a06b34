"""The one JSON error body every transport answers a refusal with.

`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, as a GraphQL error is, with
a contract code, so a client reads every refusal alike: the bearer middleware's 401, the
GraphQL view's 4xx before execution, the body limit's 413, the download route's refusals,
GraphiQL's sign-in, and the 400 uvicorn's protocol gives a request it cannot parse. Write
it with `error_body` (bytes, for a raw protocol), `error_response` (a Starlette response)
or `send_error` (a raw ASGI `send`). The message is the caller's fixed text: never a value
the client sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import orjson
from starlette.responses import Response
from starlette.types import Send

from telemetry.requests import note_codes

JSON = "application/json"
BEARER_CHALLENGE = 'Bearer realm="child-support-hub"'
"""The `WWW-Authenticate` value of every 401: the hub wants a bearer token."""


def error_body(message: str, code: str, extensions: Mapping[str, str] | None = None) -> bytes:
    """The body of one error with its contract code (and further extensions, after it)."""
    note_codes((code,))
    error = {"message": message, "extensions": {"code": code, **(extensions or {})}}
    return orjson.dumps({"errors": [error]})


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    media_type: str = JSON,
    extensions: Mapping[str, str] | None = None,
) -> Response:
    """A Starlette response carrying `error_body`."""
    body = error_body(message, code, extensions)
    return Response(body, status_code=status, headers=dict(headers or {}), media_type=media_type)


async def send_error(
    send: Send,
    status: int,
    message: str,
    code: str,
    *,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer with `error_body` on a raw ASGI `send` (middleware, before any route runs)."""
    body = error_body(message, code)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
