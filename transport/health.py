"""`GET /healthz`: the process answers; `GET /readyz`: it should get traffic now.

`/healthz` touches no database and needs no token: a load balancer, `docker compose` or
Kubernetes' liveness probe asks it whether the hub is up, and the latency tests ask it how
long any request waits on a busy hub (see `schema.limits`). `/readyz` asks the backends
(`transport.readiness`); neither needs a token.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from transport.readiness import Readiness

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


async def healthz(request: Request) -> JSONResponse:
    """`{"status": "ok"}` while the process serves requests."""
    return JSONResponse({"status": "ok"})


def build_health_routes(readiness: Readiness) -> list[Route]:
    """The health and readiness routes; mount them beside /graphql."""
    return [
        Route(HEALTH_PATH, healthz),
        Route(READY_PATH, readiness.readyz, methods=["GET"]),
    ]
