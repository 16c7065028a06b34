"""`GET /healthz`: the process answers.

It touches no database and needs no token: a load balancer or `docker compose` asks it
whether the hub is up, and the latency tests ask it how long any request waits on a busy
hub (see `schema.limits`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def healthz(request: Request) -> JSONResponse:
    """`{"status": "ok"}` while the process serves requests."""
    return JSONResponse({"status": "ok"})


def build_health_routes() -> list[Route]:
    """The health route; mount it beside /graphql."""
    return [Route("/healthz", healthz)]
