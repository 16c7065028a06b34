"""Fixtures: seeded hubs on SQLite and on PostgreSQL, tokens, and HTTP clients."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import httpx
import pytest
import uvicorn

from app import create_app
from datasources.engines import build_engines, dispose_engines
from datasources.migrations import upgrade
from datasources.seed import seed_all
from policy.tokens import issue_token
from settings import SQL_SOURCES, Settings, load_settings
from tests.services.postgres import create_database, drop_database, postgres_server_url

SEED_PARTICIPANTS = 400
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


async def _prepare(urls: dict[str, str]) -> None:
    engines = build_engines(urls)
    try:
        for source in SQL_SOURCES:
            await upgrade(source, engines[source])
        await seed_all(engines, participants=SEED_PARTICIPANTS, progress=False)
    finally:
        await dispose_engines(engines)


def _base_settings(tmp: str) -> Settings:
    return load_settings({"HUB_DATA_DIR": tmp, "HUB_ENV": "development"})


@contextmanager
def seeded_sqlite_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Migrated, seeded SQLite sources in a fresh folder."""
    settings = _base_settings(str(tmp_path_factory.mktemp("sqlite-hub")))
    asyncio.run(_prepare(dict(settings.database_urls)))
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
        asyncio.run(_prepare(urls))
        settings = replace(
            _base_settings(str(tmp_path_factory.mktemp("pg-hub"))), database_urls=urls
        )
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
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http
    await dispose_engines(app.state.engines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """A real uvicorn server of the hub on a loopback port; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = _Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the hub did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


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


def pytest_configure(config: pytest.Config) -> None:
    """Keep every log line of the session, for tests/test_zz_log_scan.py to scan."""
    from tests.log_capture import install

    install()
