"""The benchmark's own PostgreSQL databases: created fresh, migrated, seeded, dropped after."""

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
from tests.services.postgres import create_database, drop_database

DEFAULT_PARTICIPANTS = 3000  # the hub's demo data at its default size: 795 cases


@dataclass(frozen=True)
class PreparedHub:
    """Settings pointing at fresh sources, and what preparing them cost."""

    settings: Settings
    participants: int
    migrate_seconds: float
    seed_seconds: float


async def _migrate(urls: Mapping[str, str]) -> float:
    engines = build_engines(urls)
    try:
        start = time.perf_counter()
        for source in SQL_SOURCES:
            await upgrade(source, engines[source])
        return time.perf_counter() - start
    finally:
        await dispose_engines(engines)


async def _seed_demo(urls: Mapping[str, str], participants: int) -> float:
    engines = build_engines(urls)
    try:
        start = time.perf_counter()
        await seed_all(engines, participants=participants, progress=False)
        return time.perf_counter() - start
    finally:
        await dispose_engines(engines)


def bench_settings(data_dir: Path) -> Settings:
    """Production mode (no policy file watcher) with a throw-away signing secret."""
    environ = {
        "HUB_DATA_DIR": str(data_dir),
        "HUB_ENV": "production",
        "HUB_TOKEN_SECRET": secrets.token_urlsafe(64),
    }
    return load_settings(environ)


@contextmanager
def fresh_databases(
    server_url: str, names: tuple[str, ...], label: str
) -> Iterator[dict[str, str]]:
    """Databases `hub_bench_<label>_<name>_<suffix>` on `server_url`; their URLs by name."""
    suffix = uuid.uuid4().hex[:8]
    full = {name: f"hub_bench_{label}_{name}_{suffix}" for name in names}

    async def create() -> dict[str, str]:
        return {name: await create_database(server_url, db) for name, db in full.items()}

    async def drop() -> None:
        for db in full.values():
            await drop_database(server_url, db)

    urls = asyncio.run(create())
    try:
        yield urls
    finally:
        asyncio.run(drop())


@contextmanager
def postgres_hub(
    server_url: str, participants: int | None, label: str = "hub"
) -> Iterator[PreparedHub]:
    """Fresh databases, one per source, migrated; seeded with the demo data unless None."""
    with (
        tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp,
        fresh_databases(server_url, SQL_SOURCES, label) as urls,
    ):
        migrate = asyncio.run(_migrate(urls))
        seed = asyncio.run(_seed_demo(urls, participants)) if participants is not None else 0.0
        settings = replace(bench_settings(Path(tmp)), database_urls=urls)
        yield PreparedHub(settings, participants or 0, migrate, seed)
