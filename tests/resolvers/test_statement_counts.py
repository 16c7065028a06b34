"""SQL statements per request do not grow with the page size (DataLoaders batch)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Hub

QUERY_CASES_DEEP = """
query Deep($first: Int) {
  cases(first: $first) {
    totalCount
    edges { node {
      id state { code }
      participants {
        role
        participant {
          id ssn
          cases { case { id stateCaseId } }
          employment { hireDate employer { fein name } }
          offsetCertifications { id arrearsAmount }
        }
      }
    } }
  }
}
"""


@contextmanager
def count_statements(engines: dict[str, AsyncEngine]) -> Iterator[list[str]]:
    """Record every statement sent on any of the engines."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    unique = {id(e): e.sync_engine for e in engines.values()}.values()
    for sync_engine in unique:
        event.listen(sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for sync_engine in unique:
            event.remove(sync_engine, "before_cursor_execute", record)


async def _count(client: httpx.AsyncClient, hub: Hub, first: int) -> int:
    engines = client._transport.app.state.engines  # type: ignore[attr-defined]
    with count_statements(engines) as statements:
        response = await client.post(
            "/graphql",
            json={"query": QUERY_CASES_DEEP, "variables": {"first": first}},
            headers=hub.headers("ocss_staff", jurisdiction="FED"),
        )
    body = response.json()
    assert "errors" not in body, body
    assert len(body["data"]["cases"]["edges"]) == first
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


async def test_statement_count_does_not_grow_with_page_size(client: httpx.AsyncClient, hub: Hub):
    # given the same deep query for 5 and for 100 cases
    small = await _count(client, hub, 5)
    large = await _count(client, hub, 100)
    # then both take the same nine statements: the page and its count, roles on
    # the cases, participants, their roles, their cases, new hires, employers,
    # certifications
    assert small == large == 9
