"""The benchmark's own source databases: migrated and seeded SQLite files, or PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from datasources.engines import build_engines, dispose_engines
from datasources.migrations import upgrade
from demo_data import seed_all
from settings import SQL_SOURCES, Settings, load_settings


@dataclass(frozen=True)
class PreparedHub:
    """Settings pointing at seeded sources, and what preparing them cost."""

    backend: str
    settings: Settings
    participants: int
    migrate_seconds: float
    seed_seconds: float


async def _migrate_and_seed(urls: Mapping[str, str], participants: int) -> tuple[float, float]:
    engines = build_engines(urls)
    try:
        start = time.perf_counter()
        for source in SQL_SOURCES:
            await upgrade(source, engines[source])
        migrated = time.perf_counter()
        await seed_all(engines, participants=participants, progress=False)
        seeded = time.perf_counter()
    finally:
        await dispose_engines(engines)
    return migrated - start, seeded - migrated


def _settings(data_dir: Path) -> Settings:
    """Production mode (no policy file watcher) with a throw-away signing secret."""
    environ = {
        "HUB_DATA_DIR": str(data_dir),
        "HUB_ENV": "production",
        "HUB_TOKEN_SECRET": secrets.token_urlsafe(64),
    }
    return load_settings(environ)


def _prepare(backend: str, settings: Settings, participants: int) -> PreparedHub:
    migrate, seed = asyncio.run(_migrate_and_seed(settings.database_urls, participants))
    return PreparedHub(backend, settings, participants, migrate, seed)


@contextmanager
def sqlite_hub(participants: int) -> Iterator[PreparedHub]:
    """Seeded SQLite files in a temporary directory, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        yield _prepare("sqlite", _settings(Path(tmp)), participants)


@contextmanager
def postgres_hub(server_url: str, participants: int) -> Iterator[PreparedHub]:
    """Fresh databases, one per source, on the server at `server_url`; dropped afterwards."""
    from tests.services.postgres import create_database, drop_database

    suffix = uuid.uuid4().hex[:8]
    names = {source: f"hub_bench_{source}_{suffix}" for source in SQL_SOURCES}

    async def create() -> dict[str, str]:
        return {s: await create_database(server_url, name) for s, name in names.items()}

    async def drop() -> None:
        for name in names.values():
            await drop_database(server_url, name)

    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        urls = asyncio.run(create())
        try:
            settings = replace(_settings(Path(tmp)), database_urls=urls)
            yield _prepare("postgres", settings, participants)
        finally:
            asyncio.run(drop())
