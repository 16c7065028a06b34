"""HUB_AUDIT_DISCARD: the audit trail that drops events, for measuring; never in production."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from datasources.audit_trails import DiscardingAuditTrail, build_audit_trail
from datasources.sql_audit import SqlAuditTrail
from resolvers.ids import encode_global_id
from settings import SettingsError, load_settings
from tests.conftest import Hub
from tests.datasources.audit_support import EVENTS, draft

ONE_CASE = "query OneCase($id: ID!) { case(id: $id) { id participants { participant { ssn } } } }"
PRODUCTION_SECRET = "p" * 64


async def _events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(EVENTS)) or 0)


def test_the_trail_stores_events_unless_discarding_is_switched_on(
    audit_engine: AsyncEngine,
) -> None:
    development = load_settings({"HUB_ENV": "development"})
    discarding = load_settings({"HUB_ENV": "development", "HUB_AUDIT_DISCARD": "on"})

    assert not development.audit_discard
    assert isinstance(build_audit_trail(development, audit_engine), SqlAuditTrail)
    assert isinstance(build_audit_trail(discarding, audit_engine), DiscardingAuditTrail)


def test_production_refuses_to_discard_audit_events(audit_engine: AsyncEngine) -> None:
    production = {"HUB_ENV": "production", "HUB_TOKEN_SECRET": PRODUCTION_SECRET}

    # the variable is refused, in one line naming it and not its value's consequences
    with pytest.raises(SettingsError) as refused:
        load_settings({**production, "HUB_AUDIT_DISCARD": "on"})
    assert str(refused.value) == "HUB_AUDIT_DISCARD=on is refused when HUB_ENV=production"
    # and settings made some other way are refused when the trail is built
    made = replace(load_settings(production), audit_discard=True)
    with pytest.raises(SettingsError, match="HUB_AUDIT_DISCARD=on is refused"):
        build_audit_trail(made, audit_engine)


async def test_a_discarding_trail_drops_appends_and_reads_what_is_stored(
    audit_engine: AsyncEngine,
) -> None:
    stored = SqlAuditTrail(audit_engine)
    await stored.append_many([draft(record_id="1")])
    trail = DiscardingAuditTrail(stored)

    await trail.append_many([draft(record_id="2"), draft(record_id="3")])
    with pytest.raises(ValueError, match="outcome"):
        await trail.append_many([draft(outcome="leaked")])

    assert trail.discarded == 2
    assert await _events(audit_engine) == 1
    assert (await trail.verify()).ok


async def test_a_hub_that_discards_answers_without_storing_events(
    hub: Hub, audit_engine: AsyncEngine
) -> None:
    settings = replace(hub.settings, audit_discard=True)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        response = await http.post(
            "/graphql",
            json={"query": ONE_CASE, "variables": {"id": encode_global_id("Case", 1)}},
            headers=hub.headers("ocss_staff", jurisdiction="FED", fti=True),
        )

    body = response.json()
    assert "errors" not in body
    assert body["data"]["case"]["participants"]
    assert await _events(audit_engine) == 0
