"""Which browser origins may call the hub (HUB_CORS_ORIGINS): none unless listed.

Starlette's CORSMiddleware, with the exact origins of the setting and nothing wider: no
credentials (the hub reads a bearer token, never a cookie), only the methods the GraphQL
endpoint serves and the headers its clients send. A preflight from a listed origin is
answered with the allow headers; a preflight from any other origin (or asking for another
method or header) gets none of them, and a 403 FORBIDDEN with the hub's error body instead
of Starlette's plain text (the browser then refuses the call). With no origin listed there
is no middleware at all.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from transport.error_body import error_response

METHODS = ("GET", "POST")
HEADERS = ("Authorization", "Content-Type", "Accept", "X-Request-Id", "traceparent")
MAX_AGE_SECONDS = 600


class HubCors(CORSMiddleware):
    """Starlette's CORS middleware; a refused preflight is a contract error, no allow headers."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        return error_response(
            403,
            "This origin, method or header is not allowed to call the hub from a browser.",
            "FORBIDDEN",
            headers={"Vary": "Origin"},
        )


def build_cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The CORS middleware for `origins`, outermost; none when no origin is listed."""
    if not origins:
        return []
    return [
        Middleware(
            HubCors,
            allow_origins=list(origins),
            allow_methods=list(METHODS),
            allow_headers=list(HEADERS),
            allow_credentials=False,
            expose_headers=["X-Request-Id"],  # the id a support call quotes
            max_age=MAX_AGE_SECONDS,
        )
    ]
