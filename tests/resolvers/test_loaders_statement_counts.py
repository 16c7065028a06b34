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


async def _count(client: httpx.AsyncClient, hub: Hub, first: int) -> tuple[int, list[str]]:
    """SELECTs sent to the source systems, and the statements sent to the audit trail."""
    engines = client._transport.app.state.engines  # type: ignore[attr-defined]
    # the systems this query reads (the notices outbox relay polls its own engine meanwhile)
    sources = {name: engines[name] for name in ("fcr", "ndnh", "offsets")}
    with count_statements(sources) as reads, count_statements({"a": engines["audit"]}) as audit:
        response = await client.post(
            "/graphql",
            json={"query": QUERY_CASES_DEEP, "variables": {"first": first}},
            headers=hub.headers("ocss_staff", jurisdiction="FED", fti=True),
        )
    body = response.json()
    # FVI participants' locate information is refused; nothing else may fail
    assert {e["extensions"]["code"] for e in body.get("errors", [])} <= {"FVI_PROTECTED"}
    assert len(body["data"]["cases"]["edges"]) == first
    selects = [s for s in reads if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == len(reads)
    return len(selects), [" ".join(s.split()[:3]).upper() for s in audit]


async def test_statement_count_does_not_grow_with_page_size(
    client: httpx.AsyncClient, hub: Hub, unbudgeted: None
):
    # given the same deep query for 5 and for 100 cases
    small, small_audit = await _count(client, hub, 5)
    large, large_audit = await _count(client, hub, 100)
    # then both read with the same ten statements: the page and its count, roles
    # on the cases, participants, the jurisdictions holding their cases (for
    # policy), their roles, their cases, new hires, employers, certifications
    assert small == large == 10
    # and the audit trail gets one batched insert of events either way (a
    # checkpoint may join it when the chain crosses a multiple of 1000)
    assert small_audit.count("INSERT INTO AUDIT_EVENTS") == 1
    assert large_audit.count("INSERT INTO AUDIT_EVENTS") == 1
