"""Which browser origins may call the hub (HUB_CORS_ORIGINS): none unless listed.

Starlette's CORSMiddleware, with the exact origins of the setting and nothing wider: no
credentials (the hub reads a bearer token, never a cookie), only the methods the GraphQL
endpoint serves and the headers its clients send. A preflight from a listed origin is
answered with the allow headers; from any other origin, without them (the browser then
refuses the call). With no origin listed there is no middleware at all.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

METHODS = ("GET", "POST")
HEADERS = ("Authorization", "Content-Type", "Accept", "X-Request-Id", "traceparent")
MAX_AGE_SECONDS = 600


def build_cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The CORS middleware for `origins`, outermost; none when no origin is listed."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=list(METHODS),
            allow_headers=list(HEADERS),
            allow_credentials=False,
            max_age=MAX_AGE_SECONDS,
        )
    ]
