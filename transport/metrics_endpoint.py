"""`GET /metrics`: the process's Prometheus metrics, for the scraper alone.

Who may scrape: with `HUB_METRICS_TOKEN` set, a request bearing exactly that token
(`Authorization: Bearer <token>`, compared in constant time), from anywhere; without it,
only a client on the loopback interface (a sidecar, `curl` on the host). Everyone else
gets 401 (a wrong or missing token) or 403 (not loopback), with a contract code. The
metrics hold no person's data, but they tell who uses the hub how much.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telemetry.metrics import exposition
from transport.error_body import BEARER_CHALLENGE, error_response

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client is not None else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bears(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    scheme, _, credentials = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


def build_metrics_routes(token: str) -> list[Route]:
    """The metrics route, scraped with `token` (empty: from loopback only)."""

    async def metrics(request: Request) -> Response:
        if token and not _bears(request, token):
            return error_response(
                401,
                "the metrics token is missing or wrong",
                "UNAUTHENTICATED",
                headers={"WWW-Authenticate": BEARER_CHALLENGE},
            )
        if not token and not _is_loopback(request):
            return error_response(403, "metrics are served to loopback only", "FORBIDDEN")
        return Response(exposition(), media_type=CONTENT_TYPE)

    return [Route("/metrics", metrics, methods=["GET"])]
