"""A plan's answer is withheld, as the standard path's, when its audit events cannot be written."""

from __future__ import annotations

from dataclasses import replace

import httpx

from app import create_app
from datasources.engines import dispose_engines
from settings import load_settings
from tests.conftest import Hub

OWN_SSNS = (
    '{ cases(state: "06", first: 2) { edges { node { participants { participant { ssn } } } } } }'
)


async def test_a_planned_answer_is_withheld_when_the_trail_cannot_be_written(
    hub: Hub, tmp_path_factory
):
    # given a hub whose audit database was never migrated (every write fails)
    broken = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('broken')}/audit.db"
    settings = load_settings({"HUB_ENV": "development"})
    settings = replace(settings, database_urls={**hub.settings.database_urls, "audit": broken})
    app = create_app(settings)
    headers = hub.headers("state_worker", jurisdiction="06")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        # when a state worker reads full SSNs twice (the second time through its plan)
        answers = [
            await client.post("/graphql", json={"query": OWN_SSNS}, headers=headers)
            for _ in range(2)
        ]
    served = app.state.plans.stats.served
    await dispose_engines(app.state.engines)
    # then the plan answered the second, and both withheld every value alike
    assert served == 1
    standard, planned = answers
    assert planned.content == standard.content
    body = planned.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
