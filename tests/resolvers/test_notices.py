"""eTermination end to end: employers report; caseworkers' subscriptions receive, over sockets."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app import create_app
from datasources.engines import build_engines, dispose_engines
from datasources.models.fcr import ParticipantRow
from tests.conftest import Hub, serving
from tests.resolvers.test_loaders_statement_counts import count_statements
from tests.services.client_tls import CLIENT_TLS
from tests.services.graphql_ws import subscriber

MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) {
    notice { id employeeName terminatedOn neverEmployed states { code } employer { fein }
             lastKnownAddress { city state zip } }
    userErrors { field message code }
  }
}
"""
QUERY_NOTICES = """
{ terminationNotices(first: 100) { totalCount edges { node {
    id employeeName states { code } participant { id } } } } }
"""
QUERY_NCPS = """
query($after: String) { participants(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id ssn lastName firstName
    cases { role case { status state { code } } } } } } }
"""
EMPLOYER_FEIN = "90-0000001"


@pytest.fixture(scope="module")
def notice_url(fresh_hub: Hub) -> Iterator[str]:
    settings = replace(fresh_hub.settings, ws_init_timeout_seconds=0.5)
    with serving(settings) as url:
        yield url


@pytest.fixture
async def http(notice_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=notice_url, timeout=30) as client:
        yield client


async def _gql(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> Any:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def _ncps_by_states(
    http: httpx.AsyncClient, hub: Hub
) -> dict[frozenset[str], dict[str, Any]]:
    """Participants who are the noncustodial parent on open cases, by the states holding them."""
    found: dict[frozenset[str], dict[str, Any]] = {}
    after = None
    while True:
        page = (await _gql(http, hub.headers("ocss_staff", fti=True), QUERY_NCPS, after=after))[
            "participants"
        ]
        for edge in page["edges"]:
            person = edge["node"]
            states = frozenset(
                role["case"]["state"]["code"]
                for role in person["cases"]
                if role["role"] == "NONCUSTODIAL_PARENT" and role["case"]["status"] == "OPEN"
            )
            if states:
                found.setdefault(states, person)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _report(person: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "employeeSsn": person["ssn"],
        "employeeFirstName": person["firstName"],
        "employeeLastName": person["lastName"],
        "terminatedOn": str(date(2026, 11, 2)),
        "lastKnownAddress": {
            "line1": "12 Elm St",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95814",
        },
        **overrides,
    }


async def _reported(http: httpx.AsyncClient, hub: Hub, report: dict[str, Any]) -> dict[str, Any]:
    payload = (
        await _gql(http, hub.headers("employer", fein=EMPLOYER_FEIN), MUTATION_REPORT, input=report)
    )["reportTermination"]
    assert payload["userErrors"] == [], payload["userErrors"]
    notice: dict[str, Any] = payload["notice"]
    return notice


async def test_workers_of_two_states_each_receive_what_notifies_them(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given noncustodial parents of open cases in different single states
    ncps = await _ncps_by_states(http, fresh_hub)
    singles = sorted((states, p) for states, p in ncps.items() if len(states) == 1)
    (state_a,), person_a = singles[0]
    (state_b,), person_b = next(item for item in singles if item[0] != singles[0][0])
    # and a worker of each state subscribed over a real WebSocket
    async with subscriber(notice_url) as worker_a, subscriber(notice_url) as worker_b:
        for worker, state in ((worker_a, state_a), (worker_b, state_b)):
            ack = await worker.init(fresh_hub.token("state_worker", jurisdiction=state))
            assert ack["type"] == "connection_ack"
            await worker.subscribe()
        await asyncio.sleep(0.2)
        # when an employer reports a termination of each parent
        notice_a = await _reported(http, fresh_hub, _report(person_a))
        notice_b = await _reported(http, fresh_hub, _report(person_b))
        # then each worker receives exactly the notice for its state, once
        assert [n["id"] for n in await worker_a.notices(1)] == [notice_a["id"]]
        assert [n["id"] for n in await worker_b.notices(1)] == [notice_b["id"]]
        assert await worker_a.nothing_more()
        assert await worker_b.nothing_more(0.2)
    assert [s["code"] for s in notice_a["states"]] == [state_a]


async def test_ocss_receives_every_notice_and_a_parent_in_two_states_notifies_both(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    ncps = await _ncps_by_states(http, fresh_hub)
    states, person = next((s, p) for s, p in ncps.items() if len(s) >= 2)
    async with subscriber(notice_url) as ocss:
        await ocss.init(fresh_hub.token("ocss_staff", jurisdiction="FED"))
        await ocss.subscribe()
        await asyncio.sleep(0.2)
        notice = await _reported(http, fresh_hub, _report(person))
        received = await ocss.notices(1)
    assert received[0]["id"] == notice["id"]
    assert {s["code"] for s in received[0]["states"]} == set(states)
    assert received[0]["participant"]["id"] == person["id"]


async def test_no_match_is_recorded_and_notifies_nobody(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given a report of someone unknown to the registry
    stranger = {"ssn": "999-99-9990", "firstName": "Nobody", "lastName": "Known", "id": None}
    async with subscriber(notice_url) as ocss:
        await ocss.init(fresh_hub.token("ocss_staff"))
        await ocss.subscribe()
        await asyncio.sleep(0.2)
        notice = await _reported(http, fresh_hub, _report(stranger))
        # then it is recorded, matched to no one, and notifies no state (OCSS still sees it)
        received = await ocss.notices(1)
    assert notice["states"] == []
    assert received[0]["participant"] is None


async def test_a_name_that_does_not_match_the_ssn_is_no_match(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    ncps = await _ncps_by_states(http, fresh_hub)
    person = next(iter(ncps.values()))
    notice = await _reported(http, fresh_hub, _report(person, employeeLastName="Different"))
    assert notice["states"] == []


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"employeeSsn": "123456789"}, ["input", "employeeSsn"]),
        ({"employeeFirstName": " "}, ["input", "employeeFirstName"]),
        ({"terminatedOn": None}, ["input", "terminatedOn"]),
        ({"terminatedOn": "2099-01-01"}, ["input", "terminatedOn"]),
        ({"neverEmployed": True}, ["input", "terminatedOn"]),
        (
            {"lastKnownAddress": {"line1": "1 A St", "city": "X", "state": "ZZ", "zip": "95814"}},
            ["input", "lastKnownAddress", "state"],
        ),
        (
            {"lastKnownAddress": {"line1": "1 A St", "city": "X", "state": "CA", "zip": "9581"}},
            ["input", "lastKnownAddress", "zip"],
        ),
    ],
)
async def test_bad_reports_are_refused_and_recorded_nowhere(
    http: httpx.AsyncClient, fresh_hub: Hub, override: dict[str, Any], field: list[str]
):
    before = (await _gql(http, fresh_hub.headers("ocss_staff"), QUERY_NOTICES))[
        "terminationNotices"
    ]
    person = {"ssn": "999-99-9991", "firstName": "Ann", "lastName": "Lee"}
    payload = (
        await _gql(
            http,
            fresh_hub.headers("employer", fein=EMPLOYER_FEIN),
            MUTATION_REPORT,
            input=_report(person, **override),
        )
    )["reportTermination"]
    assert payload["notice"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "BAD_USER_INPUT")]
    after = (await _gql(http, fresh_hub.headers("ocss_staff"), QUERY_NOTICES))["terminationNotices"]
    assert after["totalCount"] == before["totalCount"]


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("state_worker", {"jurisdiction": "06"}),
        ("ocss_staff", {}),
        ("employer", {"fein": "99-9999999"}),
    ],
)
async def test_only_a_registered_employer_reports(
    http: httpx.AsyncClient, fresh_hub: Hub, role: str, claims: dict[str, Any]
):
    person = {"ssn": "999-99-9992", "firstName": "Ann", "lastName": "Lee"}
    payload = (
        await _gql(http, fresh_hub.headers(role, **claims), MUTATION_REPORT, input=_report(person))
    )["reportTermination"]
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]


async def test_notices_query_follows_the_access_rules(http: httpx.AsyncClient, fresh_hub: Hub):
    # given a notice that notified one state
    ncps = await _ncps_by_states(http, fresh_hub)
    (state,), person = next((s, p) for s, p in ncps.items() if len(s) == 1)
    notice = await _reported(http, fresh_hub, _report(person))

    async def ids(role: str, **claims: Any) -> tuple[set[str], Any]:
        response = await http.post(
            "/graphql", json={"query": QUERY_NOTICES}, headers=fresh_hub.headers(role, **claims)
        )
        body = response.json()
        edges = body["data"]["terminationNotices"]["edges"]
        return {e["node"]["id"] for e in edges}, body.get("errors")

    # then the notified state's worker, OCSS and the reporting employer see it
    assert notice["id"] in (await ids("state_worker", jurisdiction=state))[0]
    assert notice["id"] in (await ids("ocss_staff"))[0]
    seen, errors = await ids("employer", fein=EMPLOYER_FEIN)
    assert notice["id"] in seen
    # but the employer gets no participant: FORBIDDEN at each one
    assert errors
    assert {e["extensions"]["code"] for e in errors} == {"FORBIDDEN"}
    assert {e["path"][-1] for e in errors} == {"participant"}
    # and another state, another employer, an analyst see none of it
    other = "36" if state != "36" else "48"
    assert notice["id"] not in (await ids("state_worker", jurisdiction=other))[0]
    assert (await ids("employer", fein="90-0000002"))[0] == set()
    assert (await ids("analyst"))[0] == set()


async def test_replay_after_a_disconnect_misses_nothing(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given an OCSS subscriber that saw one notice and went away
    ncps = await _ncps_by_states(http, fresh_hub)
    people = list(ncps.values())
    token = fresh_hub.token("ocss_staff")
    async with subscriber(notice_url) as first:
        await first.init(token)
        await first.subscribe()
        await asyncio.sleep(0.2)
        seen = await _reported(http, fresh_hub, _report(people[0]))
        assert (await first.notices(1))[0]["id"] == seen["id"]
    # when three notices are reported while it is away
    missed = [await _reported(http, fresh_hub, _report(p)) for p in people[1:4]]
    # then reconnecting with after: the last one seen replays them, then continues live
    async with subscriber(notice_url) as again:
        await again.init(token)
        await again.subscribe(variables={"after": seen["id"]})
        replayed = await again.notices(3)
        live = await _reported(http, fresh_hub, _report(people[4]))
        following = await again.notices(1)
        assert await again.nothing_more()
    assert [n["id"] for n in replayed] == [n["id"] for n in missed]
    assert following[0]["id"] == live["id"]


@pytest.mark.parametrize(
    ("token_of", "code"),
    [
        (lambda hub: None, 4401),
        (lambda hub: "not-a-token", 4401),
        (lambda hub: hub.token("employer", fein=EMPLOYER_FEIN), 4403),
        (lambda hub: hub.token("analyst"), 4403),
        (lambda hub: hub.token("auditor"), 4403),
    ],
)
async def test_sockets_without_the_right_token_are_closed(
    notice_url: str, fresh_hub: Hub, token_of: Any, code: int
):
    async with subscriber(notice_url) as socket:
        token = token_of(fresh_hub)
        payload = {} if token is None else {"authorization": f"Bearer {token}"}
        await socket.socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert await socket.closed_with() == code


async def test_a_socket_that_never_inits_is_closed(notice_url: str):
    async with subscriber(notice_url) as socket:
        assert await socket.closed_with(seconds=5) == 4408


async def test_the_socket_closes_when_the_token_expires(notice_url: str, fresh_hub: Hub):
    async with subscriber(notice_url) as socket:
        ack = await socket.init(fresh_hub.token("ocss_staff", ttl_seconds=2))
        assert ack["type"] == "connection_ack"
        await socket.subscribe()
        assert await socket.closed_with(seconds=10) == 4401


async def test_full_ssns_in_subscription_results_are_audited(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given an OCSS subscriber that asks for the matched participant's SSN
    ncps = await _ncps_by_states(http, fresh_hub)
    person = next(p for s, p in ncps.items() if len(s) == 1)
    subject = f"ocss-{uuid.uuid4().hex[:8]}"
    query = "subscription { terminationNotices { id participant { id ssn } } }"
    async with subscriber(notice_url) as socket:
        await socket.init(fresh_hub.token("ocss_staff", subject=subject))
        await socket.subscribe(query)
        await asyncio.sleep(0.2)
        # when a notice about that participant arrives
        await _reported(http, fresh_hub, _report(person))
        message = await socket.receive()
    assert message["payload"]["data"]["terminationNotices"]["participant"]["ssn"] == person["ssn"]
    # then the full SSN it carried was audited (written before it was sent)
    events = (
        await _gql(
            http,
            fresh_hub.headers("auditor"),
            "query($s: String) { auditEvents(subject: $s) { edges { node { action resource } } } }",
            s=subject,
        )
    )["auditEvents"]["edges"]
    assert {"action": "read", "resource": "Participant.ssn"} in [e["node"] for e in events]


# ---- locate information in a notice follows the participant's locate rules

LOCATE = "lastKnownAddress { line1 city state zip } newEmployerName"
QUERY_NOTICE_NODE = (
    "query Notice($id: ID!) { node(id: $id) { id ... on TerminationNotice { " + LOCATE + " } } }"
)
QUERY_NOTICE_LIST = (
    "query Notices { terminationNotices(first: 100) { edges { node { id " + LOCATE + " } } } }"
)
SUBSCRIPTION_LOCATE = (
    "subscription Located($after: ID) { terminationNotices(after: $after) { id " + LOCATE + " } }"
)
QUERY_PEOPLE = """
query People($after: String) { participants(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id ssn firstName lastName familyViolence
    cases { role case { status state { code } } } } } } }
"""
NEW_EMPLOYER = "Harbor Freight Lines"
ADDRESS = {"line1": "12 Elm St", "city": "Sacramento", "state": "CA", "zip": "95814"}
_NOTICES: dict[str, dict[str, dict[str, Any]]] = {}


async def _ncp_people(http: httpx.AsyncClient, hub: Hub) -> list[tuple[dict[str, Any], set[str]]]:
    """Every noncustodial parent of an open case, with the states holding those cases."""
    people: list[tuple[dict[str, Any], set[str]]] = []
    after = None
    while True:
        page = (await _gql(http, hub.headers("ocss_staff"), QUERY_PEOPLE, after=after))[
            "participants"
        ]
        for edge in page["edges"]:
            person = edge["node"]
            states = {
                role["case"]["state"]["code"]
                for role in person["cases"]
                if role["role"] == "NONCUSTODIAL_PARENT" and role["case"]["status"] == "OPEN"
            }
            if states:
                people.append((person, states))
        if not page["pageInfo"]["hasNextPage"]:
            return people
        after = page["pageInfo"]["endCursor"]


async def _located_notices(http: httpx.AsyncClient, hub: Hub) -> dict[str, dict[str, Any]]:
    """A notice about an FVI participant and one about an ordinary one, reported once."""
    if hub.backend not in _NOTICES:
        people = await _ncp_people(http, hub)
        notices = {}
        for kind, fvi in (("fvi", True), ("ordinary", False)):
            found = next(((p, s) for p, s in people if p["familyViolence"] is fvi), None)
            assert found is not None, f"the seeded data holds no {kind} NCP of an open case"
            person, states = found
            report = _report(person, newEmployerName=NEW_EMPLOYER, lastKnownAddress=ADDRESS)
            notice = await _reported(http, hub, report)
            assert {s["code"] for s in notice["states"]} == states
            notices[kind] = {"id": notice["id"], "states": sorted(states)}
        _NOTICES[hub.backend] = notices
    return _NOTICES[hub.backend]


def _other_state(states: list[str]) -> str:
    """A state the notice did not notify."""
    return next(code for code in ("36", "48", "12", "17") if code not in states)


FULL = {"lastKnownAddress": {"line1": "12 Elm St", "city": "Sacramento", "state": "CA",
        "zip": "95814"}, "newEmployerName": NEW_EMPLOYER}  # fmt: skip

# (role, claims or "notified" for the notified state's worker, notice, what comes back)
LOCATE_ROWS = [
    ("employer", {"fein": EMPLOYER_FEIN}, "ordinary", "full"),
    ("employer", {"fein": EMPLOYER_FEIN}, "fvi", "full"),
    ("state_worker", "notified", "ordinary", "full"),
    ("state_worker", "notified", "fvi", "FVI_PROTECTED"),
    ("ocss_staff", {"jurisdiction": "FED"}, "ordinary", "full"),
    ("ocss_staff", {"jurisdiction": "FED"}, "fvi", "FVI_PROTECTED"),
    ("state_worker", "other", "ordinary", "NOT_FOUND"),
    ("state_worker", "other", "fvi", "NOT_FOUND"),
    ("tribal_worker", {"jurisdiction": "T0001"}, "fvi", "NOT_FOUND"),
    ("employer", {"fein": "90-0000002"}, "ordinary", "NOT_FOUND"),
    ("employer", {"fein": "90-0000002"}, "fvi", "NOT_FOUND"),
    ("analyst", {}, "ordinary", "NOT_FOUND"),
    ("analyst", {}, "fvi", "NOT_FOUND"),
    ("auditor", {}, "fvi", "NOT_FOUND"),
    # the other organisations, even with the reporter's FEIN, see no notice at all
    ("insurer", {"fein": EMPLOYER_FEIN}, "fvi", "NOT_FOUND"),
    ("financial_institution", {"fein": EMPLOYER_FEIN}, "ordinary", "NOT_FOUND"),
    ("international", {"jurisdiction": "CA"}, "fvi", "NOT_FOUND"),
]


def _claims(claims: dict[str, Any] | str, states: list[str]) -> dict[str, Any]:
    if claims == "notified":
        return {"jurisdiction": states[0]}
    if claims == "other":
        return {"jurisdiction": _other_state(states)}
    assert isinstance(claims, dict)
    return claims


def _check_located(node: dict[str, Any] | None, errors: list[Any], expect: str, at: list[Any]):
    codes = sorted((e["extensions"]["code"], e["path"]) for e in errors)
    if expect == "full":
        assert codes == []
        assert node is not None
        assert {k: node[k] for k in FULL} == FULL
    elif expect == "NOT_FOUND":
        assert node is None
        assert codes == [("NOT_FOUND", at)]
    else:
        assert node is not None
        assert node["lastKnownAddress"] is None
        assert node["newEmployerName"] is None
        assert codes == [(expect, [*at, "lastKnownAddress"]), (expect, [*at, "newEmployerName"])]


@pytest.mark.parametrize(
    ("role", "claims", "kind", "expect"),
    LOCATE_ROWS,
    ids=[f"{r}-{c if isinstance(c, str) else 'claims'}-{k}-{e}" for r, c, k, e in LOCATE_ROWS],
)
async def test_notice_locate_information_follows_the_locate_rules(
    http: httpx.AsyncClient,
    fresh_hub: Hub,
    role: str,
    claims: dict[str, Any] | str,
    kind: str,
    expect: str,
):
    # given a notice about an FVI participant and one about an ordinary participant
    notice = (await _located_notices(http, fresh_hub))[kind]
    headers = fresh_hub.headers(role, **_claims(claims, notice["states"]))
    # when the viewer reads it by id
    response = await http.post(
        "/graphql",
        json={"query": QUERY_NOTICE_NODE, "variables": {"id": notice["id"]}},
        headers=headers,
    )
    body = response.json()
    # then its locate fields are what the participant's locate rules say
    _check_located(body["data"]["node"], body.get("errors", []), expect, ["node"])
    # and the list agrees: the same fields, or the notice left out
    listed = (
        await http.post("/graphql", json={"query": QUERY_NOTICE_LIST}, headers=headers)
    ).json()
    edges = listed["data"]["terminationNotices"]["edges"]
    positions = [i for i, e in enumerate(edges) if e["node"]["id"] == notice["id"]]
    if expect == "NOT_FOUND":
        assert positions == []
        return
    (position,) = positions
    errors = [e for e in listed.get("errors", []) if e["path"][2] == position]
    at = ["terminationNotices", "edges", position, "node"]
    _check_located(edges[position]["node"], errors, expect, at)


async def test_notice_locate_releases_and_refusals_are_audited(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given OCSS reading both notices' locate fields
    notices = await _located_notices(http, fresh_hub)
    subject = f"ocss-{uuid.uuid4().hex[:8]}"
    for kind in ("ordinary", "fvi"):
        await http.post(
            "/graphql",
            json={"query": QUERY_NOTICE_NODE, "variables": {"id": notices[kind]["id"]}},
            headers=fresh_hub.headers("ocss_staff", subject=subject),
        )
    # then the release and the refusal are in the trail, by field and notice
    query = (
        "query($s: String) { auditEvents(subject: $s, first: 100)"
        " { edges { node { action resource recordId } } } }"
    )
    events = [
        e["node"]
        for e in (await _gql(http, fresh_hub.headers("auditor"), query, s=subject))["auditEvents"][
            "edges"
        ]
    ]
    for field in ("lastKnownAddress", "newEmployerName"):
        resource = f"TerminationNotice.{field}"
        released = {"action": "read", "resource": resource, "recordId": notices["ordinary"]["id"]}
        refused = {"action": "deny", "resource": resource, "recordId": notices["fvi"]["id"]}
        assert released in events
        assert refused in events


async def _located_event(socket: Any) -> dict[str, Any]:
    message: dict[str, Any] = await socket.receive()
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]
    return payload


async def test_notice_locate_rules_hold_on_the_subscription_and_its_replay(
    http: httpx.AsyncClient, notice_url: str, fresh_hub: Hub
):
    # given a worker of a state holding an FVI participant's case, and one of an ordinary one
    people = await _ncp_people(http, fresh_hub)
    fvi, fvi_states = next((p, s) for p, s in people if p["familyViolence"])
    plain, plain_states = next((p, s) for p, s in people if not p["familyViolence"])
    watchers = [(sorted(fvi_states)[0], fvi), (sorted(plain_states)[0], plain)]
    async with subscriber(notice_url) as fvi_worker, subscriber(notice_url) as plain_worker:
        for socket, (state, _) in zip((fvi_worker, plain_worker), watchers, strict=True):
            await socket.init(fresh_hub.token("state_worker", jurisdiction=state))
            await socket.subscribe(SUBSCRIPTION_LOCATE)
        await asyncio.sleep(0.2)
        # when an employer reports both, with an address and a new employer
        extra = {"newEmployerName": NEW_EMPLOYER, "lastKnownAddress": ADDRESS}
        fvi_notice = await _reported(http, fresh_hub, _report(fvi, **extra))
        plain_notice = await _reported(http, fresh_hub, _report(plain, **extra))
        # then the FVI participant's worker gets the notice without them: FVI_PROTECTED
        live = await _located_event(fvi_worker)
        # (the ordinary notice may notify that state too; find the FVI one)
        while live["data"]["terminationNotices"]["id"] != fvi_notice["id"]:
            live = await _located_event(fvi_worker)
        _check_located(
            live["data"]["terminationNotices"], live["errors"], "FVI_PROTECTED",
            ["terminationNotices"],
        )  # fmt: skip
        # and the ordinary participant's worker gets them in full
        plain_live = await _located_event(plain_worker)
        while plain_live["data"]["terminationNotices"]["id"] != plain_notice["id"]:
            plain_live = await _located_event(plain_worker)
        _check_located(plain_live["data"]["terminationNotices"], [], "full", [])
        assert "errors" not in plain_live
    # and a replay from before the FVI notice withholds them just the same
    before = _global_id_before(fvi_notice["id"])
    async with subscriber(notice_url) as again:
        await again.init(fresh_hub.token("state_worker", jurisdiction=watchers[0][0]))
        await again.subscribe(SUBSCRIPTION_LOCATE, {"after": before})
        replayed = await _located_event(again)
        assert replayed["data"]["terminationNotices"]["id"] == fvi_notice["id"]
        _check_located(
            replayed["data"]["terminationNotices"], replayed["errors"], "FVI_PROTECTED",
            ["terminationNotices"],
        )  # fmt: skip


def _global_id_before(notice_id: str) -> str:
    """The id of the notice just before `notice_id` (ids are "TerminationNotice:<n>")."""
    padded = notice_id + "=" * (-len(notice_id) % 4)
    type_name, key = base64.urlsafe_b64decode(padded).decode().split(":")
    previous = f"{type_name}:{int(key) - 1}".encode()
    return base64.urlsafe_b64encode(previous).decode().rstrip("=")


async def _set_family_violence(hub: Hub, participant_id: str, value: bool) -> None:
    padded = participant_id + "=" * (-len(participant_id) % 4)
    key = int(base64.urlsafe_b64decode(padded).decode().split(":")[1])
    engines = build_engines(hub.settings.database_urls)
    try:
        async with engines["fcr"].begin() as conn:
            await conn.execute(
                update(ParticipantRow).where(ParticipantRow.id == key).values(family_violence=value)
            )
    finally:
        await dispose_engines(engines)


async def test_a_flag_set_after_the_report_protects_the_notice(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given a notice about an ordinary participant, whose locate fields OCSS reads in full
    people = await _ncp_people(http, fresh_hub)
    person, _ = [(p, s) for p, s in people if not p["familyViolence"]][-1]
    extra = {"newEmployerName": NEW_EMPLOYER, "lastKnownAddress": ADDRESS}
    notice = await _reported(http, fresh_hub, _report(person, **extra))
    headers = fresh_hub.headers("ocss_staff")
    variables = {"id": notice["id"]}
    before = await http.post(
        "/graphql", json={"query": QUERY_NOTICE_NODE, "variables": variables}, headers=headers
    )
    _check_located(before.json()["data"]["node"], [], "full", ["node"])
    # when a family violence indicator is set on the participant afterwards
    await _set_family_violence(fresh_hub, person["id"], True)
    try:
        after = (
            await http.post(
                "/graphql",
                json={"query": QUERY_NOTICE_NODE, "variables": variables},
                headers=headers,
            )
        ).json()
    finally:
        await _set_family_violence(fresh_hub, person["id"], False)
    # then the notice's locate fields are protected from then on
    _check_located(after["data"]["node"], after["errors"], "FVI_PROTECTED", ["node"])


async def test_notice_facts_are_read_in_one_batch_whatever_the_page_size(fresh_hub: Hub):
    # given the module's notices (a dozen or more, most about matched participants)
    app = create_app(fresh_hub.settings)
    transport = httpx.ASGITransport(app=app)
    query = (
        "query($first: Int) { terminationNotices(first: $first)"
        " { edges { node { id lastKnownAddress { city } newEmployerName } } } }"
    )
    counts = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as client,
    ):
        engines = app.state.engines
        for first in (2, 12):
            with count_statements({"fcr": engines["fcr"]}) as statements:
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": {"first": first}},
                    headers=fresh_hub.headers("ocss_staff"),
                )
            assert len(response.json()["data"]["terminationNotices"]["edges"]) == first
            counts.append(len(statements))
    # then the participants' facts cost the same two reads (participants, case holders)
    assert counts == [2, 2]
