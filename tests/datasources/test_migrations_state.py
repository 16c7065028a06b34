"""datasources/migrations/state.py: what a command asks before it touches a source."""

from __future__ import annotations

from pathlib import Path

import pytest

from datasources.engines import build_engines, dispose_engines
from datasources.migrations import MIGRATIONS_DIR, upgrade
from datasources.migrations.state import (
    NotMigrated,
    Unreachable,
    current_revisions,
    head_revisions,
    known_revisions,
    require_migrated,
    version_table,
)
from settings import SQL_SOURCES


@pytest.mark.parametrize("source", SQL_SOURCES)
def test_the_version_table_is_the_one_the_history_writes(source: str):
    # each source's env.py names its own version table; the check reads that same one
    assert f'"{version_table(source)}"' in (MIGRATIONS_DIR / source / "env.py").read_text()


@pytest.mark.parametrize("source", SQL_SOURCES)
def test_each_history_has_one_head_among_its_revisions(source: str):
    heads = head_revisions(source)
    assert len(heads) == 1
    assert heads <= known_revisions(source)


async def test_a_sqlite_file_is_not_created_by_asking(tmp_path: Path):
    engines = build_engines({"audit": f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"})
    try:
        with pytest.raises(NotMigrated, match="the audit database is not migrated"):
            await require_migrated(engines, ["audit"])
        assert not (tmp_path / "audit.db").exists()
    finally:
        await dispose_engines(engines)


async def test_a_source_at_its_head_is_ready(tmp_path: Path):
    engines = build_engines({"fcr": f"sqlite+aiosqlite:///{tmp_path / 'fcr.db'}"})
    try:
        await upgrade("fcr", engines["fcr"], "0001_fcr")
        assert await current_revisions("fcr", engines["fcr"]) == {"0001_fcr"}
        with pytest.raises(NotMigrated):
            await require_migrated(engines, ["fcr"])
        await upgrade("fcr", engines["fcr"])
        await require_migrated(engines, ["fcr"])
    finally:
        await dispose_engines(engines)


async def test_an_unreachable_server_hides_the_password():
    engines = build_engines({"notices": "postgresql+asyncpg://hub:pw-9f3@127.0.0.1:1/hub"})
    try:
        with pytest.raises(Unreachable) as refused:
            await require_migrated(engines, ["notices"])
        assert "pw-9f3" not in str(refused.value)
        assert str(refused.value).startswith("cannot connect to the notices database (")
    finally:
        await dispose_engines(engines)
