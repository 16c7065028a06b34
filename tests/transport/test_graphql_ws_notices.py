"""Termination notices over WebSocket: the reference client receives them, each one fresh.

The reference client is npm graphql-ws (createClient, `ws` as webSocketImpl), with the
token in `connectionParams` as `{"authorization": "Bearer <JWT>"}`. Each result of a
subscription is executed with loaders and an audit log of its own, so a fact that
changed in the database between two notices is seen as it is now.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from datasources.engines import build_engines, dispose_engines
from datasources.models.fcr import CaseParticipantRow, CaseRow, ParticipantRow
from resolvers.ids import encode_global_id
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.graphql_ws import subscriber, ws_url
from tests.transport import node_clients

EMPLOYER_FEIN = "90-0000001"
MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { field message code } }
}
"""
SUBSCRIPTION_CASES = """
subscription { terminationNotices { id participant { id cases { case { id hasOrder } } } } }
"""
SUBSCRIBED_PAUSE = 0.5
"""Seconds for the hub to register a subscription it was sent."""


@dataclass(frozen=True)
class Parent:
    """A noncustodial parent on an open case, as the database holds it."""

    id: int
    ssn: str
    first_name: str
    last_name: str
    jurisdiction: str
    case_id: int


@pytest.fixture(scope="module")
def notice_url(fresh_hub: Hub) -> Iterator[str]:
    with serving(fresh_hub.settings) as url:
        yield url


@pytest.fixture
async def http(notice_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=notice_url, timeout=30) as client:
        yield client


async def _parents(hub: Hub, count: int) -> list[Parent]:
    """The first `count` noncustodial parents of open cases (one case each is enough)."""
    engines = build_engines(dict(hub.settings.database_urls))
    try:
        async with engines["fcr"].connect() as connection:
            rows = await connection.execute(
                select(ParticipantRow, CaseRow.jurisdiction, CaseRow.id.label("case_id"))
                .join(CaseParticipantRow, CaseParticipantRow.participant_id == ParticipantRow.id)
                .join(CaseRow, CaseRow.id == CaseParticipantRow.case_id)
                .where(
                    CaseParticipantRow.role == "NONCUSTODIAL_PARENT",
                    CaseRow.status == "OPEN",
                    CaseRow.jurisdiction.like("__"),
                )
                .order_by(ParticipantRow.id)
                .limit(count * 4)
            )
            found: dict[int, Parent] = {}
            for row in rows:
                found.setdefault(
                    row.id,
                    Parent(
                        row.id,
                        row.ssn,
                        row.first_name,
                        row.last_name,
                        row.jurisdiction,
                        row.case_id,
                    ),
                )
    finally:
        await dispose_engines(engines)
    assert len(found) >= count, "the seed has too few noncustodial parents on open cases"
    return list(found.values())[:count]


async def _flip_order(hub: Hub, case_id: int) -> None:
    """Change whether the case has an order, in the database itself."""
    engines = build_engines(dict(hub.settings.database_urls))
    try:
        async with engines["fcr"].begin() as connection:
            await connection.execute(
                update(CaseRow).where(CaseRow.id == case_id).values(has_order=~CaseRow.has_order)
            )
    finally:
        await dispose_engines(engines)


async def _report(http: httpx.AsyncClient, hub: Hub, parent: Parent) -> str:
    report = {
        "employeeSsn": parent.ssn,
        "employeeFirstName": parent.first_name,
        "employeeLastName": parent.last_name,
        "terminatedOn": str(date(2026, 11, 2)),
    }
    response = await http.post(
        "/graphql",
        json={"query": MUTATION_REPORT, "variables": {"input": report}},
        headers=hub.headers("employer", fein=EMPLOYER_FEIN),
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload = body["data"]["reportTermination"]
    assert payload["userErrors"] == [], payload["userErrors"]
    notice_id: str = payload["notice"]["id"]
    return notice_id


async def test_the_reference_client_receives_a_notice_as_a_state_worker(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given a noncustodial parent on an open case of a state
    (parent,) = await _parents(fresh_hub, 1)
    token = fresh_hub.token("state_worker", jurisdiction=parent.jurisdiction)
    # and graphql-ws subscribed as a worker of that state, the token in connectionParams
    async with node_clients.started(
        "subscribe_notices.mjs", ws_url(notice_url), "1", token=token
    ) as client:
        assert await client.next(20) == {"ready": True}
        await asyncio.sleep(SUBSCRIBED_PAUSE)
        # when an employer reports the parent's termination over HTTP
        notice_id = await _report(http, fresh_hub, parent)
        # then the client receives that notice, naming the state and the participant
        result = await client.next(20)
        assert "errors" not in result["next"], result
        notice = result["next"]["data"]["terminationNotices"]
        assert notice["id"] == notice_id
        assert parent.jurisdiction in [state["code"] for state in notice["states"]]
        assert notice["participant"] is not None
        # and completes cleanly
        assert await client.next(10) == {"complete": True}
        assert await client.exit_code(10) == 0


async def test_the_reference_client_with_a_bad_token_is_closed_4401(notice_url: str):
    async with node_clients.started(
        "subscribe_notices.mjs", ws_url(notice_url), "1", token="not-a-jwt"
    ) as client:
        line = await client.next(20)
        assert line["error"].startswith("closed 4401"), line
        assert await client.exit_code(10) == 1


def _has_order(holder: dict[str, Any], case_id: int) -> bool:
    """Whether the case of `holder["participant"]` with this id has an order."""
    wanted = encode_global_id("Case", case_id)
    (found,) = [r["case"] for r in holder["participant"]["cases"] if r["case"]["id"] == wanted]
    has_order: bool = found["hasOrder"]
    return has_order


async def test_a_fact_changed_between_two_notices_is_seen_fresh(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given a parent, and OCSS subscribed to notices with the parent's cases
    (parent,) = await _parents(fresh_hub, 1)
    async with subscriber(notice_url) as ocss:
        await ocss.init(fresh_hub.token("ocss_staff", jurisdiction="FED"))
        await ocss.subscribe(SUBSCRIPTION_CASES)
        await asyncio.sleep(SUBSCRIBED_PAUSE)
        # and a first notice about the parent, read while one case has (or has not) an order
        await _report(http, fresh_hub, parent)
        (first,) = await ocss.notices(1)
        before = _has_order(first, parent.case_id)
        # when that changes in the database, and a second notice comes
        await _flip_order(fresh_hub, parent.case_id)
        await _report(http, fresh_hub, parent)
        (second,) = await ocss.notices(1)
    # then the second result reads the case as it is now, not as the first one loaded it
    assert _has_order(second, parent.case_id) is not before


QUERY_PARTICIPANT = """
query Read($id: ID!) { participant(id: $id) { ssn cases { case { id hasOrder } } } }
"""
QUERY_AUDIT = """
query($subject: String) { auditEvents(subject: $subject, first: 100) {
  edges { node { action resource recordId operation } } } }
"""


async def test_each_operation_on_one_connection_has_fresh_loaders_and_its_own_audit(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given one connection of an OCSS viewer of its own
    (parent,) = await _parents(fresh_hub, 1)
    subject = f"transport-{uuid.uuid4().hex[:8]}"
    variables = {"id": encode_global_id("Participant", parent.id)}
    async with subscriber(notice_url) as ocss:
        await ocss.init(fresh_hub.token("ocss_staff", jurisdiction="FED", subject=subject))
        # when it reads the parent (full SSN and cases), the case changes, and it reads again
        await ocss.subscribe(QUERY_PARTICIPANT, variables)
        first = await ocss.receive()
        assert (await ocss.receive())["type"] == "complete"
        await _flip_order(fresh_hub, parent.case_id)
        await ocss.socket.send(
            json.dumps(
                {
                    "id": "2",
                    "type": "subscribe",
                    "payload": {"query": QUERY_PARTICIPANT, "variables": variables},
                }
            )
        )
        second = await ocss.receive()
    # then the second operation reads the case as it is now
    before = _has_order(first["payload"]["data"], parent.case_id)
    assert _has_order(second["payload"]["data"], parent.case_id) is not before
    # and each operation wrote its own audit event of the full SSN read
    response = await http.post(
        "/graphql",
        json={"query": QUERY_AUDIT, "variables": {"subject": subject}},
        headers=fresh_hub.headers("auditor"),
    )
    events = [edge["node"] for edge in response.json()["data"]["auditEvents"]["edges"]]
    ssn_reads = [e for e in events if e["action"] == "read" and e["resource"].endswith("ssn")]
    assert len(ssn_reads) == 2, events
