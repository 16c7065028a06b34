"""`GET /readyz`: whether this process should get traffic now.

200 with each check `ok`, or 503 naming the checks that `failed`: every source's database
(one `SELECT 1` per engine; sources sharing a database share its check), the audit trail
writable (`datasources.probes.probe_audit_writable`), Redis when configured (PING), the
policy loaded. All run concurrently, each bounded by `HUB_READINESS_TIMEOUT`. The body
names checks only: no URL, host or error text. While the process is stopping it answers
503 at once, without asking anything, so that the balancer takes it out.

The states' case systems are not a check: they are many, outside the hub's control, and
each is already behind its own timeout and error code (`STATE_SYSTEM_UNAVAILABLE`). A
state system that is down makes every replica equally unable to reach it; taking replicas
out of the balancer for it would turn one state's outage into the hub's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse

from datasources.probes import probe_audit_writable, probe_database, probe_redis
from policy.gate import Gate
from settings import Settings
from transport.draining import Draining

logger = logging.getLogger("hub.readiness")

OK = "ok"
FAILED = "failed"
_NO_STORE = {"Cache-Control": "no-store"}

Probe = Callable[[], Awaitable[None]]


@dataclass
class Readiness:
    """What `/readyz` checks; built by the composition root, one per process."""

    engines: Mapping[str, AsyncEngine]
    gate: Gate
    draining: Draining
    timeout: float
    redis: Redis | None = None
    _probes: dict[str, Probe] = field(init=False)

    def __post_init__(self) -> None:
        self._probes = self._build_probes()

    def _build_probes(self) -> dict[str, Probe]:
        names: dict[int, list[str]] = {}
        for source, engine in self.engines.items():
            names.setdefault(id(engine), []).append(source)
        by_id = {id(engine): engine for engine in self.engines.values()}
        probes: dict[str, Probe] = {
            "database:" + "+".join(sources): partial(probe_database, by_id[key])
            for key, sources in names.items()
        }
        if "audit" in self.engines:
            probes["audit"] = partial(probe_audit_writable, self.engines["audit"])
        if self.redis is not None:
            probes["redis"] = partial(probe_redis, self.redis)
        probes["policy"] = self._probe_policy
        return probes

    async def _probe_policy(self) -> None:
        if self.gate.policy_rules <= 0:
            raise RuntimeError("no policy rules")

    async def check(self) -> dict[str, str]:
        """Each check's name and `ok` or `failed`, all run at once."""
        names = list(self._probes)
        outcomes = await asyncio.gather(*(self._run(name) for name in names))
        return dict(zip(names, outcomes, strict=True))

    async def _run(self, name: str) -> str:
        try:
            async with asyncio.timeout(self.timeout):
                await self._probes[name]()
        except Exception as error:  # which check and the error's type; its text may name hosts
            logger.warning("readiness check %s failed (%s)", name, type(error).__name__)
            return FAILED
        return OK

    async def readyz(self, request: Request) -> JSONResponse:
        """200 when every check passes, else 503; 503 at once while draining."""
        if self.draining.started:
            return JSONResponse({"status": "draining", "checks": {}}, 503, _NO_STORE)
        checks = await self.check()
        ready = all(outcome == OK for outcome in checks.values())
        body = {"status": "ready" if ready else "unready", "checks": checks}
        return JSONResponse(body, 200 if ready else 503, _NO_STORE)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def build_readiness(
    settings: Settings, engines: Mapping[str, AsyncEngine], gate: Gate, draining: Draining
) -> Readiness:
    """The checks of this process: its engines, the gate, and Redis when configured."""
    # a client of its own, with a short socket timeout (the bus's blocks on XREAD)
    redis = (
        Redis.from_url(settings.redis_url, socket_timeout=settings.readiness_timeout_seconds)
        if settings.redis_url
        else None
    )
    return Readiness(
        engines, gate, draining, timeout=settings.readiness_timeout_seconds, redis=redis
    )
