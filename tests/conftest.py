"""Fixtures: seeded hubs on SQLite and on PostgreSQL, tokens, and HTTP clients."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

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
from tests.services.client_tls import CLIENT_TLS
from tests.services.postgres import (
    create_database,
    drop_database,
    drop_databases_later,
    finish_dropping,
    postgres_server_url,
)
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


@dataclass(frozen=True)
class Seed:
    """A backend's migrated, seeded sources, done once per session: every hub is a copy.

    Seeding is deterministic (same arguments, same rows), so a copy holds exactly what
    seeding the hub's own databases would have written, in a fraction of the time. The
    seed itself is never served: nothing writes to it, and PostgreSQL copies a template
    database only while nobody is connected to it.
    """

    data_dir: Path
    """Its SQLite files (on SQLite) and the seeded documents' contents (on both)."""
    databases: dict[str, str]
    """PostgreSQL: each source's template database; empty on SQLite."""


_SEEDS: dict[str, Seed] = {}
_TEMPLATES: list[str] = []
"""Every PostgreSQL seed database created, ready or not: the session's end drops them."""


def _seed(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Seed:
    """The session's seed of `backend`, made by the first hub that needs it."""
    seed = _SEEDS.get(backend)
    if seed is not None:
        return seed
    folder = str(tmp_path_factory.mktemp(f"{backend}-seed"))
    if backend == "sqlite":
        asyncio.run(_prepare(_base_settings(folder)))
        seed = Seed(Path(folder), {})
    else:
        server = postgres_server_url()
        suffix = uuid.uuid4().hex[:8]
        names = {source: f"hub_seed_{source}_{suffix}" for source in SQL_SOURCES}

        if not _TEMPLATES:
            # a process that ends without pytest's session finish (a script using these
            # helpers, an interrupted run) still drops the seed
            atexit.register(_drop_templates)

        async def create() -> dict[str, str]:
            created: dict[str, str] = {}
            for source, name in names.items():
                _TEMPLATES.append(name)
                created[source] = await create_database(server, name)
            return created

        urls = asyncio.run(create())
        asyncio.run(_prepare(replace(_base_settings(folder), database_urls=urls)))
        seed = Seed(Path(folder), names)
    _SEEDS[backend] = seed
    return seed


def _drop_templates() -> None:
    """Drop what is left of the PostgreSQL seed, at the process's exit."""
    server = postgres_server_url()

    async def drop() -> None:
        while _TEMPLATES:
            await drop_database(server, _TEMPLATES.pop())

    _SEEDS.pop("postgres", None)
    asyncio.run(drop())


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL seed, and wait for every database the session dropped later."""
    if _TEMPLATES:
        _SEEDS.pop("postgres", None)
        drop_databases_later(postgres_server_url(), _TEMPLATES)
        _TEMPLATES.clear()
    failures = finish_dropping()
    if failures:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            for failure in failures:
                reporter.write_line(f"test databases left behind: {failure}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _copy_of(seed: Seed, tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    """A fresh folder holding the seed's files."""
    folder = tmp_path_factory.mktemp(name)
    shutil.copytree(seed.data_dir, folder, dirs_exist_ok=True)
    return str(folder)


@contextmanager
def seeded_sqlite_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Migrated, seeded SQLite sources in a fresh folder (a copy of the session's seed)."""
    seed = _seed("sqlite", tmp_path_factory)
    yield Hub("sqlite", _base_settings(_copy_of(seed, tmp_path_factory, "sqlite-hub")))


@contextmanager
def seeded_postgres_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Migrated, seeded sources in fresh PostgreSQL databases (copies of the session's
    seed), dropped afterwards."""
    seed = _seed("postgres", tmp_path_factory)
    server = postgres_server_url()
    suffix = uuid.uuid4().hex[:8]
    names = {source: f"hub_test_{source}_{suffix}" for source in SQL_SOURCES}

    async def create() -> dict[str, str]:
        return {
            source: await create_database(server, name, template=seed.databases[source])
            for source, name in names.items()
        }

    try:
        urls = asyncio.run(create())
        folder = _copy_of(seed, tmp_path_factory, "pg-hub")
        yield Hub("postgres", replace(_base_settings(folder), database_urls=urls))
    finally:
        drop_databases_later(server, names.values())


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
    async with httpx.AsyncClient(base_url=live_hub, timeout=30, verify=CLIENT_TLS) as client:
        yield client


def pytest_report_header() -> list[str]:
    return [f"hub test backends: {', '.join(BACKENDS)}; PID {os.getpid()}"]
