"""A mutation's change and its audit event commit together, over real HTTP and real processes.

The event is stored in the change's own transaction (the source's audit outbox) and relayed
into the trail: an event that cannot be stored rolls the change back, and a hub stopped
mid-load leaves no committed change without exactly one event in the trail.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditFilter
from datasources.audit_outbox import SqlAuditOutbox
from datasources.engines import build_engine
from datasources.models import notices, offsets
from datasources.models.notices import TerminationNoticeRow
from datasources.pages import PageRequest
from datasources.sql_audit import SqlAuditTrail
from resolvers.ids import encode_global_id
from resolvers.notices import LIST_NAME
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.hub_process import start_hub_process
from tests.services.terminations import (
    EMPLOYER_FEIN,
    MUTATION_REPORT,
    parent_notifying_one_state,
)

QUERY_CERTIFICATIONS = """
{ offsetCertifications(first: 20) { edges { node {
    id arrearsAmount submittingState { code } } } } }
"""
MUTATION_UPDATE = """
mutation Update($input: UpdateOffsetCertificationInput!) {
  updateOffsetCertification(input: $input) {
    offsetCertification { id arrearsAmount }
    userErrors { field message code }
  }
}
"""


@pytest.fixture(scope="module")
def fresh_url(fresh_hub: Hub) -> Iterator[str]:
    with serving(fresh_hub.settings) as url:
        yield url


@pytest.fixture
async def http(fresh_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fresh_url, timeout=30, verify=CLIENT_TLS) as client:
        yield client


@pytest.fixture
async def engines(fresh_hub: Hub) -> AsyncIterator[dict[str, AsyncEngine]]:
    urls = fresh_hub.settings.database_urls
    built = {source: build_engine(urls[source]) for source in ("offsets", "notices", "audit")}
    yield built
    for engine in built.values():
        await engine.dispose()


async def _post(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _certification(http: httpx.AsyncClient, hub: Hub) -> dict[str, Any]:
    body = await _post(http, hub.headers("ocss_staff", fti=True), QUERY_CERTIFICATIONS)
    node: dict[str, Any] = body["data"]["offsetCertifications"]["edges"][0]["node"]
    return node


async def _writes(engine: AsyncEngine, subject: str) -> list[str | None]:
    """The record ids of `subject`'s written events in the trail, in order."""
    page = await SqlAuditTrail(engine).list_events(
        AuditFilter(subject=subject), PageRequest(first=1000)
    )
    return [e.record_id for e in page.items if e.action == "write" and e.outcome == "written"]


async def test_the_answer_leaves_once_the_trail_holds_the_event(
    http: httpx.AsyncClient, fresh_hub: Hub, engines: dict[str, AsyncEngine]
):
    # given a certification and a worker of its submitting state
    cert = await _certification(http, fresh_hub)
    subject = f"writer-{uuid.uuid4().hex[:8]}"
    worker = fresh_hub.headers(
        "state_worker", jurisdiction=cert["submittingState"]["code"], subject=subject
    )
    # when the worker changes it
    body = await _post(
        http, worker, MUTATION_UPDATE, input={"id": cert["id"], "arrearsAmount": "4321.00"}
    )
    # then as the answer arrives, the trail holds its one event and the outbox is empty
    assert body["data"]["updateOffsetCertification"]["userErrors"] == []
    assert await _writes(engines["audit"], subject) == [cert["id"]]
    assert await SqlAuditOutbox(engines["offsets"], offsets.AUDIT_OUTBOX).pending() == 0


async def _rename(engine: AsyncEngine, old: str, new: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_an_event_that_cannot_be_stored_rolls_the_change_back(
    http: httpx.AsyncClient, fresh_hub: Hub, engines: dict[str, AsyncEngine]
):
    # given a certification, and an offsets database whose audit outbox cannot be written
    cert = await _certification(http, fresh_hub)
    subject = f"broken-{uuid.uuid4().hex[:8]}"
    worker = fresh_hub.headers(
        "state_worker", jurisdiction=cert["submittingState"]["code"], subject=subject
    )
    table = offsets.AUDIT_OUTBOX.name
    await _rename(engines["offsets"], table, f"{table}_away")
    try:
        # when the worker changes it
        body = await _post(
            http, worker, MUTATION_UPDATE, input={"id": cert["id"], "arrearsAmount": "7.00"}
        )
    finally:
        await _rename(engines["offsets"], f"{table}_away", table)
    # then the client gets an internal error, naming no table or statement
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert "audit_outbox" not in str(body)
    assert "INSERT" not in str(body)
    # and nothing changed: the certification is as it was, and no write is in the trail
    assert (await _certification(http, fresh_hub))["arrearsAmount"] == cert["arrearsAmount"]
    assert await _writes(engines["audit"], subject) == []


async def test_a_notice_whose_event_cannot_be_stored_is_not_recorded(
    http: httpx.AsyncClient, fresh_hub: Hub, engines: dict[str, AsyncEngine]
):
    # given a parent whose termination notifies a state, and a broken notices outbox
    _, person = await parent_notifying_one_state(http, fresh_hub)
    before = await _notice_count(engines["notices"])
    table = notices.AUDIT_OUTBOX.name
    await _rename(engines["notices"], table, f"{table}_away")
    try:
        # when the employer reports the termination
        body = await _post(
            http,
            fresh_hub.headers("employer", fein=EMPLOYER_FEIN),
            MUTATION_REPORT,
            input=_report(person),
        )
    finally:
        await _rename(engines["notices"], f"{table}_away", table)
    # then it is refused as an internal error, and no notice was recorded
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert await _notice_count(engines["notices"]) == before


def _report(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "employeeSsn": person["ssn"],
        "employeeFirstName": person["firstName"],
        "employeeLastName": person["lastName"],
        "terminatedOn": "2026-11-02",
    }


async def _notice_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(TerminationNoticeRow)) or 0)


async def _notice_ids_after(engine: AsyncEngine, newest: int) -> set[int]:
    async with engine.connect() as conn:
        rows = await conn.scalars(
            select(TerminationNoticeRow.id).where(TerminationNoticeRow.id > newest)
        )
        return set(rows)


async def _newest_notice(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.max(TerminationNoticeRow.id))) or 0)


async def _report_many(url: str, hub: Hub, person: dict[str, Any], subject: str) -> int:
    """Report terminations, 8 at a time, until the hub stops answering; how many answered."""
    headers = hub.headers("employer", fein=EMPLOYER_FEIN, subject=subject)
    answered = 0
    async with httpx.AsyncClient(base_url=url, timeout=10, verify=CLIENT_TLS) as client:

        async def one() -> bool:
            try:
                body = await _post(client, headers, MUTATION_REPORT, input=_report(person))
            except (httpx.HTTPError, AssertionError):
                return False
            return "errors" not in body

        for _ in range(50):
            results = await asyncio.gather(*(one() for _ in range(8)))
            answered += sum(results)
            if not any(results):
                break
    return answered


async def _until_committed(engine: AsyncEngine, newest: int, count: int) -> None:
    for _ in range(1200):
        if len(await _notice_ids_after(engine, newest)) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} notices were committed in a minute")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_a_hub_stopped_mid_load_loses_no_audit_event(
    http: httpx.AsyncClient,
    fresh_hub: Hub,
    engines: dict[str, AsyncEngine],
    tmp_path: Path,
    stop: signal.Signals,
):
    # given a hub process of its own, and a parent whose termination notifies a state
    _, person = await parent_notifying_one_state(http, fresh_hub)
    newest = await _newest_notice(engines["notices"])
    subject = f"employer-{uuid.uuid4().hex[:8]}"
    process, url = start_hub_process(fresh_hub, None, tmp_path / "first")
    try:
        # when employers report terminations concurrently and the hub is stopped mid-load
        # (SIGTERM: a graceful stop; SIGKILL: a crash, between a commit and its relay)
        load = asyncio.create_task(_report_many(url, fresh_hub, person, subject))
        await _until_committed(engines["notices"], newest, 20)
        process.send_signal(stop)
        answered = await load
    finally:
        await asyncio.to_thread(process.wait, 30)
    # and a hub is started again, whose relay drains what the first one left
    restarted, _ = start_hub_process(fresh_hub, None, tmp_path / "second")
    restarted.terminate()
    await asyncio.to_thread(restarted.wait, 30)
    # then every committed notice has exactly one written event in the trail, and no more
    committed = await _notice_ids_after(engines["notices"], newest)
    events = await _writes(engines["audit"], subject)
    assert len(committed) >= max(answered, 20)
    assert sorted(e or "" for e in events) == sorted(
        encode_global_id(LIST_NAME, n) for n in committed
    )
    assert await SqlAuditOutbox(engines["notices"], notices.AUDIT_OUTBOX).pending() == 0
    assert (await SqlAuditTrail(engines["audit"]).verify()).ok
