"""`/readyz` over real HTTP: each check named, 503 when one fails, at once while draining.

The hub is served by uvicorn on a loopback port on both backends; the failures are real
(a database port nobody listens on, a Redis nobody runs). No answer names a host, a port,
a user or a password.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from app import create_app
from settings import SQL_SOURCES
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.redis import redis_server_url
from tests.services.servers import free_port, serve_app
from transport.draining import Draining

PASSWORD = "readyz-test-password"


async def _readyz(url: str) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=30, verify=CLIENT_TLS) as client:
        response = await client.get("/readyz")
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _database_checks(checks: dict[str, str]) -> set[str]:
    """The sources named by the database checks (sources sharing a database share one)."""
    return {
        source
        for name in checks
        if name.startswith("database:")
        for source in name.removeprefix("database:").split("+")
    }


async def test_a_serving_hub_is_ready_and_names_each_check(hub: Hub) -> None:
    with serving(hub.settings) as url:
        status, body = await _readyz(url)
    assert status == 200
    assert body["status"] == "ready"
    assert _database_checks(body["checks"]) == set(SQL_SOURCES)
    assert {"audit", "policy"} <= set(body["checks"])
    assert "redis" not in body["checks"]  # not configured
    assert set(body["checks"].values()) == {"ok"}


async def test_redis_is_checked_when_configured(hub: Hub) -> None:
    settings = replace(hub.settings, redis_url=redis_server_url())
    with serving(settings) as url:
        status, body = await _readyz(url)
    assert status == 200
    assert body["checks"]["redis"] == "ok"


async def test_a_redis_that_is_down_makes_the_hub_unready(hub: Hub) -> None:
    port = free_port()
    settings = replace(
        hub.settings,
        redis_url=f"redis://:{PASSWORD}@127.0.0.1:{port}/0",
        readiness_timeout_seconds=1,
    )
    with serving(settings) as url:
        status, body = await _readyz(url)
        async with httpx.AsyncClient(timeout=10, verify=CLIENT_TLS) as client:
            healthy = await client.get(f"{url}/healthz")
    assert status == 503
    assert body["status"] == "unready"
    assert body["checks"]["redis"] == "failed"
    assert body["checks"]["audit"] == "ok"
    assert healthy.status_code == 200  # alive all the same: restarting it would not help
    _names_nothing(body, port)


async def test_a_database_that_is_down_fails_its_own_check_only(hub: Hub) -> None:
    # given the NDNH source pointed at a PostgreSQL port nobody listens on
    port = free_port()
    down = f"postgresql+asyncpg://hub:{PASSWORD}@127.0.0.1:{port}/ndnh"
    urls = {**hub.settings.database_urls, "ndnh": down}
    settings = replace(hub.settings, database_urls=urls, readiness_timeout_seconds=1)
    with serving(settings) as url:
        status, body = await _readyz(url)
    assert status == 503
    assert body["checks"]["database:ndnh"] == "failed"
    others = {name: outcome for name, outcome in body["checks"].items() if "ndnh" not in name}
    assert set(others.values()) == {"ok"}
    _names_nothing(body, port)


async def test_a_draining_hub_answers_503_at_once(hub: Hub) -> None:
    draining = Draining()
    with serve_app(create_app(hub.settings, draining=draining)) as url:
        before, _ = await _readyz(url)
        draining.begin()
        status, body = await _readyz(url)
    assert before == 200
    assert status == 503
    assert body == {"status": "draining", "checks": {}}


def _names_nothing(body: dict[str, Any], port: int) -> None:
    text = str(body)
    for secret in (PASSWORD, str(port), "127.0.0.1", "hub:", "Connect"):
        assert secret not in text, f"{secret!r} in {text}"


async def test_a_gate_without_policy_rules_makes_the_hub_unready(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # loading refuses an empty policy; this is the check that would see one regardless
    app = create_app(hub.settings)
    monkeypatch.setattr(type(app.state.gate), "policy_rules", property(lambda gate: 0))
    with serve_app(app) as url:
        status, body = await _readyz(url)
    assert status == 503
    assert body["checks"]["policy"] == "failed"
