"""Fixtures: seeded hubs on SQLite and on PostgreSQL, tokens, and HTTP clients."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from datasources.blob_stores import build_blob_store
from datasources.engines import build_engines, dispose_engines
from datasources.migrations import upgrade
from datasources.models.fcr import MisidentifiedSsnRow, ParticipantRow
from demo_data import seed_all
from policy.tokens import issue_token
from settings import SQL_SOURCES, Settings, load_settings
from tests.services.postgres import create_database, drop_database, postgres_server_url
from tests.services.servers import serve_app, state_sim_url

pytest_plugins = ("tests.log_capture",)
"""The session's log capture and the scan of it when the session ends (`log_scan`)."""

SEED_PARTICIPANTS = 400
KNOWN_PARTICIPANTS = 40
"""How many seeded participants (by id) lend their SSN and date of birth to the log scan."""
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Hub:
    """A migrated, seeded set of source databases and the settings that point at them."""

    backend: str
    settings: Settings

    def token(self, role: str, **claims: object) -> str:
        return issue_token(self.settings.token, role=role, **claims)  # type: ignore[arg-type]

    def headers(self, role: str, **claims: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, **claims)}"}


async def _prepare(settings: Settings) -> None:
    engines = build_engines(settings.database_urls)
    blobs = build_blob_store(settings)
    try:
        for source in SQL_SOURCES:
            await upgrade(source, engines[source])
        await seed_all(engines, participants=SEED_PARTICIPANTS, progress=False, blobs=blobs)
        # imported here: pytest imports the plugin itself (pytest_plugins), to rewrite its asserts
        from tests.log_capture import KNOWN_VALUES

        KNOWN_VALUES.update(await _seeded_pii(engines["fcr"]))
    finally:
        await dispose_engines(engines)
        await blobs.close()


async def _seeded_pii(fcr: AsyncEngine) -> set[str]:
    """SSNs (with and without dashes) and birth dates of the first seeded participants.

    Read as the hub is seeded, since the session's log scan runs after PostgreSQL's
    test databases are dropped.
    """
    async with fcr.connect() as connection:
        people = list(
            await connection.execute(
                select(ParticipantRow.ssn, ParticipantRow.date_of_birth)
                .order_by(ParticipantRow.id)
                .limit(KNOWN_PARTICIPANTS)
            )
        )
        misidentified = await connection.execute(select(MisidentifiedSsnRow.ssn).limit(20))
        ssns = [row.ssn for row in people] + [row.ssn for row in misidentified]
    values = {row.date_of_birth.isoformat() for row in people}
    for ssn in ssns:
        values |= {ssn, ssn.replace("-", "")}
    return values


def _base_settings(tmp: str) -> Settings:
    return load_settings(
        {"HUB_DATA_DIR": tmp, "HUB_ENV": "development", "HUB_STATE_SYSTEMS_URL": state_sim_url()}
    )


@contextmanager
def seeded_sqlite_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Migrated, seeded SQLite sources in a fresh folder."""
    settings = _base_settings(str(tmp_path_factory.mktemp("sqlite-hub")))
    asyncio.run(_prepare(settings))
    yield Hub("sqlite", settings)


@contextmanager
def seeded_postgres_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Migrated, seeded sources in fresh PostgreSQL databases, dropped afterwards."""
    server = postgres_server_url()
    suffix = uuid.uuid4().hex[:8]
    names = {source: f"hub_test_{source}_{suffix}" for source in SQL_SOURCES}

    async def create() -> dict[str, str]:
        return {s: await create_database(server, name) for s, name in names.items()}

    async def drop() -> None:
        for name in names.values():
            await drop_database(server, name)

    urls = asyncio.run(create())
    try:
        settings = replace(
            _base_settings(str(tmp_path_factory.mktemp("pg-hub"))), database_urls=urls
        )
        asyncio.run(_prepare(settings))
        yield Hub("postgres", settings)
    finally:
        asyncio.run(drop())


SEEDED = {"sqlite": seeded_sqlite_hub, "postgres": seeded_postgres_hub}


@pytest.fixture(scope="session")
def sqlite_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_sqlite_hub(tmp_path_factory) as hub:
        yield hub


@pytest.fixture(scope="session")
def postgres_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_postgres_hub(tmp_path_factory) as hub:
        yield hub


@pytest.fixture(scope="module", params=BACKENDS)
def fresh_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """A hub of its own for one test module, for tests that change data."""
    with SEEDED[request.param](tmp_path_factory) as hub:
        yield hub


@pytest.fixture(scope="session", params=BACKENDS)
def hub(request: pytest.FixtureRequest) -> Hub:
    """Each test that takes `hub` runs once on SQLite and once on PostgreSQL."""
    fixture: Hub = request.getfixturevalue(f"{request.param}_hub")
    return fixture


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """In-process client over ASGI (for counting statements on the app's own engines)."""
    app = create_app(hub.settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        yield http


@pytest.fixture
def unbudgeted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the per-role cost budgets, for tests of batching over full 100-row pages.

    Such pages with nested lists cost far more than any role may ask for at once
    (policy/budgets.py); what these tests measure is that statements and policy
    evaluations stay flat in the page size, which the budget would hide.
    """
    monkeypatch.setattr("schema.limits.operation_cost_budget", lambda role: 10**9)


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """A real uvicorn server of the hub on a loopback port; yields its base URL."""
    with serve_app(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="session")
def live_hub(hub: Hub) -> Iterator[str]:
    """The shared seeded hub, served over real HTTP."""
    with serving(hub.settings) as url:
        yield url


@pytest.fixture
async def http(live_hub: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the live hub over real HTTP."""
    async with httpx.AsyncClient(base_url=live_hub, timeout=30) as client:
        yield client


def pytest_report_header() -> list[str]:
    return [f"hub test backends: {', '.join(BACKENDS)}; PID {os.getpid()}"]
