"""Production mode: introspection only for analyst and ocss_staff, no field suggestions."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app import create_app
from datasources.engines import dispose_engines
from policy.tokens import issue_token
from settings import Settings, load_settings
from tests.conftest import Hub

PRODUCTION_SECRET = "production-test-secret-" + "p" * 64
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "Participant") { name } }'
MISSPELT = "{ viewer { subjet } }"
CLAIMS: dict[str, dict[str, object]] = {
    "state_worker": {"jurisdiction": "06"},
    "employer": {"fein": "90-0000001"},
    "auditor": {"jurisdiction": "FED"},
    "analyst": {},
    "ocss_staff": {"jurisdiction": "FED"},
}


def _production_settings(hub: Hub, tmp: str) -> Settings:
    settings = load_settings(
        {"HUB_ENV": "production", "HUB_TOKEN_SECRET": PRODUCTION_SECRET, "HUB_DATA_DIR": tmp}
    )
    return dataclasses.replace(settings, database_urls=hub.settings.database_urls)


@pytest.fixture
async def production(
    hub: Hub, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    """Production settings on the seeded databases, and an in-process client of that hub."""
    settings = _production_settings(hub, str(tmp_path_factory.mktemp("production")))
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        yield settings, client
    await dispose_engines(app.state.engines)


async def _ask(
    production: tuple[Settings, httpx.AsyncClient], role: str, query: str
) -> dict[str, object]:
    settings, client = production
    token = issue_token(settings.token, role=role, **CLAIMS[role])  # type: ignore[arg-type]
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _codes(body: dict[str, object]) -> list[str]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return [error["extensions"]["code"] for error in errors]


def test_production_mode_settings_are_production(hub: Hub, tmp_path: Path):
    # given settings built for production on the seeded databases
    settings = _production_settings(hub, str(tmp_path))
    # then they are production settings, on the same databases, with their own secret
    assert not settings.is_development
    assert settings.database_urls == hub.settings.database_urls
    assert settings.token.secret == PRODUCTION_SECRET


@pytest.mark.parametrize("role", ["state_worker", "employer", "auditor"])
@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION], ids=["schema", "type"])
async def test_production_mode_refuses_introspection(
    production: tuple[Settings, httpx.AsyncClient], role: str, query: str
):
    # given a hub in production mode and a viewer who may not introspect
    # when the schema is introspected
    body = await _ask(production, role, query)
    # then it is refused with FORBIDDEN and nothing of the schema is answered
    assert _codes(body) == ["FORBIDDEN"]
    assert not body.get("data")


@pytest.mark.parametrize("role", ["analyst", "ocss_staff"])
async def test_production_mode_allows_introspection_to_analyst_and_ocss(
    production: tuple[Settings, httpx.AsyncClient], role: str
):
    # given a hub in production mode and an analyst or OCSS staff member
    # when the schema is introspected
    body = await _ask(production, role, INTROSPECTION)
    # then the schema answers
    assert "errors" not in body, body
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_production_mode_suggests_no_field_names(
    production: tuple[Settings, httpx.AsyncClient],
):
    # given a hub in production mode
    # when a query names a field that does not exist
    body = await _ask(production, "state_worker", MISSPELT)
    # then it fails validation without suggesting the field it resembles
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in str(body["errors"])
    assert "subject" not in str(body["errors"])


async def test_development_mode_suggests_field_names(client: httpx.AsyncClient, hub: Hub):
    # given a hub in development mode (the fixtures' mode)
    headers = hub.headers("state_worker", jurisdiction="06")
    # when a query names a field that does not exist
    response = await client.post("/graphql", json={"query": MISSPELT}, headers=headers)
    # then validation fails and suggests the field meant
    body = response.json()
    assert [error["extensions"]["code"] for error in body["errors"]] == [
        "GRAPHQL_VALIDATION_FAILED"
    ]
    assert "Did you mean" in body["errors"][0]["message"]
    assert "subject" in body["errors"][0]["message"]
