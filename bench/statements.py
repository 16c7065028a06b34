"""(e) SQL statements per request, counted on the live app's own engines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.graphql_client import OCSS_STAFF, STATE_WORKER, GraphQLClient
from bench.queries import CASE_LIST
from bench.report import Results

PAGE_SIZES = (5, 20)  # 20: about the most of this view a cost budget admits


@contextmanager
def recording(engines: Mapping[str, AsyncEngine]) -> Iterator[list[str]]:
    """Every statement sent on any of `engines` while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    unique = list({id(e): e.sync_engine for e in engines.values()}.values())
    for sync_engine in unique:
        event.listen(sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for sync_engine in unique:
            event.remove(sync_engine, "before_cursor_execute", record)


def _split(engines: Mapping[str, AsyncEngine]) -> tuple[dict[str, AsyncEngine], AsyncEngine]:
    audit = engines["audit"]
    reads = {name: e for name, e in engines.items() if e is not audit}
    return reads, audit


async def measure_statements(
    client: GraphQLClient, engines: Mapping[str, AsyncEngine], results: Results
) -> None:
    """Statements per case-list request: source reads, and audit-trail statements."""
    reads, audit = _split(engines)
    for persona in (STATE_WORKER, OCSS_STAFF):
        cells = []
        for first in PAGE_SIZES:
            with recording(reads) as read, recording({"audit": audit}) as written:
                await client.post(persona, CASE_LIST, {"first": first})
            cells.append(f"{len(read)} + {len(written)}")
        sizes = " / ".join(f"first={first}" for first in PAGE_SIZES)
        label = f"cases as {persona.name}: source + audit statements, {sizes}"
        results.add("e", label, " / ".join(cells))
