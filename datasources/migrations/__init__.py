"""Alembic migrations, one history per SQL source, each with its own version table."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent


def build_config(source: str) -> Config:
    """Alembic configuration for one source's history."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR / source))
    return config


def _upgrade(connection: Connection, source: str, revision: str) -> None:
    config = build_config(source)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(source: str, engine: AsyncEngine, revision: str = "head") -> None:
    """Bring one source's database up to `revision`."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, source, revision)
