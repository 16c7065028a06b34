"""The body every source's Alembic `env.py` runs."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from alembic.config import Config
from sqlalchemy import Connection, MetaData, create_engine


class MigrationContextModule(Protocol):
    """What env.py hands over: `alembic.context`, the proxy of the running environment."""

    config: Config

    def configure(
        self,
        connection: Connection | None = ...,
        *,
        target_metadata: MetaData | None = ...,
        version_table: str = ...,
        render_as_batch: bool = ...,
        compare_type: bool = ...,
    ) -> None: ...

    def begin_transaction(self) -> AbstractContextManager[object]: ...

    def run_migrations(self) -> None: ...


def _migrate(
    context: MigrationContextModule, conn: Connection, metadata: MetaData, table: str
) -> None:
    context.configure(
        conn,
        target_metadata=metadata,
        version_table=table,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run(context: MigrationContextModule, metadata: MetaData, version_table: str) -> None:
    """Run migrations on the connection the caller gave, or on `sqlalchemy.url`."""
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _migrate(context, connection, metadata, version_table)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise ValueError("no connection given and no sqlalchemy.url configured")
    engine = create_engine(url)
    with engine.connect() as conn:
        _migrate(context, conn, metadata, version_table)
