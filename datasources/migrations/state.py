"""Whether a source's database can be used: there, reachable, and at the newest migration.

Commands that read or write a source (`hub seed`, `hub audit ...`, `hub serve`) ask this
before they start, so that a user who forgot `hub migrate` reads one line saying so, not
a traceback from the first query. The heads come from each source's Alembic history; the
database's revision from that source's own version table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.migrations import build_config

CONNECT_TIMEOUT_SECONDS = 10.0
"""How long a check waits for a database server before saying it cannot reach it."""


class DatabaseNotReady(Exception):
    """A source's database cannot be used as it is; the message is one line for the user."""


class NotMigrated(DatabaseNotReady):
    def __init__(self, source: str) -> None:
        super().__init__(f"the {source} database is not migrated: run `hub migrate` first")
        self.source = source


class NewerThanHub(DatabaseNotReady):
    def __init__(self, source: str) -> None:
        super().__init__(
            f"the {source} database has migrations this hub does not know:"
            " it was migrated by a newer hub"
        )
        self.source = source


class Unreachable(DatabaseNotReady):
    def __init__(self, source: str, url: URL, reason: str) -> None:
        where = url.render_as_string(hide_password=True)
        super().__init__(f"cannot connect to the {source} database ({where}): {reason}")
        self.source = source


def version_table(source: str) -> str:
    """The table each source's history records its revision in (its env.py names it)."""
    return f"alembic_version_{source}"


def head_revisions(source: str) -> frozenset[str]:
    """The newest revisions of `source`'s migration history."""
    return frozenset(ScriptDirectory.from_config(build_config(source)).get_heads())


def _current(connection: Connection, source: str) -> frozenset[str]:
    # asking is not migrating: keep Alembic's "Context impl ..." lines out of the answer
    log = logging.getLogger("alembic.runtime.migration")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        context = MigrationContext.configure(
            connection, opts={"version_table": version_table(source)}
        )
        return frozenset(context.get_current_heads())
    finally:
        log.setLevel(level)


def _reason(error: BaseException) -> str:
    """One line about why a connection failed, without the statement or its parameters."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


def _sqlite_file_missing(url: URL) -> bool:
    """Whether a SQLite URL names a file that is not there (connecting would create it)."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return False
    return not Path(database).is_file()


async def current_revisions(source: str, engine: AsyncEngine) -> frozenset[str]:
    """The revisions `source`'s database records; empty when it has no version table.

    Raises `Unreachable` when the server does not answer or refuses the connection.
    """
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
            async with engine.connect() as conn:
                return await conn.run_sync(_current, source)
    except TimeoutError:
        raise Unreachable(source, engine.url, "no answer in time") from None
    except (OSError, SQLAlchemyError) as error:
        raise Unreachable(source, engine.url, _reason(error)) from None


def known_revisions(source: str) -> frozenset[str]:
    """Every revision of `source`'s migration history, old and newest."""
    script = ScriptDirectory.from_config(build_config(source))
    return frozenset(revision.revision for revision in script.walk_revisions())


async def require_migrated(engines: Mapping[str, AsyncEngine], sources: Iterable[str]) -> None:
    """Raise `DatabaseNotReady` for the first of `sources` whose database is not usable.

    Usable means: reachable, and at exactly the newest revision of its history. A missing
    SQLite file is not migrated (and is not created by asking).
    """
    for source in sources:
        engine = engines[source]
        if _sqlite_file_missing(engine.url):
            raise NotMigrated(source)
        current = await current_revisions(source, engine)
        if current == head_revisions(source):
            continue
        if current - known_revisions(source):
            raise NewerThanHub(source)
        raise NotMigrated(source)
