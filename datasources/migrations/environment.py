"""The body every source's Alembic `env.py` runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, create_engine


def run(context: Any, metadata: MetaData, version_table: str) -> None:
    """Run migrations on the connection the caller gave, or on `sqlalchemy.url`."""
    options = {
        "target_metadata": metadata,
        "version_table": version_table,
        "render_as_batch": True,
        "compare_type": True,
    }
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, **options)
        with context.begin_transaction():
            context.run_migrations()
