"""A request context as the endpoint builds it, for running the schema directly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from app import build_sources
from datasources.engines import build_engines, dispose_engines
from policy.enforcer import POLICY_PATH, PolicyDecider
from policy.gate import Gate
from policy.tokens import verify_token
from resolvers.context import Context, build_context
from tests.conftest import Hub
from tests.services.client_tls import CLIENT_TLS

ContextFor = Callable[..., Awaitable[Context]]


@pytest.fixture
async def context_for(sqlite_hub: Hub) -> AsyncIterator[ContextFor]:
    """Contexts of any viewer (role and claims) on the seeded SQLite hub."""
    settings = sqlite_hub.settings
    engines = build_engines(settings.database_urls)
    async with httpx.AsyncClient(verify=CLIENT_TLS) as state_client:
        sources = build_sources(settings, engines, state_client)
        gate = Gate(PolicyDecider(policy_path=settings.policy_file or POLICY_PATH))

        async def build(role: str, **claims: object) -> Context:
            viewer = verify_token(sqlite_hub.token(role, **claims), settings.token)
            return build_context(None, viewer, sources=sources, settings=settings, gate=gate)

        yield build
    await dispose_engines(engines)


@pytest.fixture
async def context(context_for: ContextFor) -> Context:
    """OCSS staff with FTI clearance."""
    return await context_for("ocss_staff", fti=True)
