"""What sensitive reads leave in the audit trail, and failing closed when it cannot be written."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace

import httpx

from app import create_app
from datasources.engines import dispose_engines
from settings import load_settings
from tests.assertions import nonempty
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber

SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b|\b\d{9}\b")
QUERY_OWN_PARTICIPANTS = """
query OwnCases { cases(state: "06", first: 3) { edges { node { participants { participant {
  id ssn dateOfBirth
} } } } } }
"""
QUERY_EVENTS = """
query Events($subject: String) {
  auditEvents(subject: $subject, first: 100) {
    totalCount
    edges { node { at subject role jurisdiction operation action resource recordId purpose } }
  }
}
"""


async def _events(http: httpx.AsyncClient, hub: Hub, subject: str) -> list[dict[str, object]]:
    response = await http.post(
        "/graphql",
        json={"query": QUERY_EVENTS, "variables": {"subject": subject}},
        headers=hub.headers("auditor"),
    )
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]


async def test_full_ssn_and_dob_reads_are_audited_without_values(http: httpx.AsyncClient, hub: Hub):
    # given a state worker reading own participants' SSNs and dates of birth
    subject = f"worker-{uuid.uuid4().hex[:8]}"
    headers = {
        **hub.headers("state_worker", subject=subject, jurisdiction="06"),
        "X-Hub-Purpose": "CS",
    }
    response = await http.post("/graphql", json={"query": QUERY_OWN_PARTICIPANTS}, headers=headers)
    assert response.status_code == 200
    # when the auditor reads the trail for that worker
    events = await _events(http, hub, subject)
    # then each full read is there, naming resource and record, purpose and operation
    resources = {e["resource"] for e in events}
    assert {"Participant.ssn", "Participant.dateOfBirth"} <= resources
    assert all(e["operation"] == "OwnCases" and e["purpose"] == "CS" for e in events)
    assert all(e["role"] == "state_worker" and e["jurisdiction"] == "06" for e in events)
    assert all(str(e["recordId"]).strip() for e in events)
    # and nothing in any event looks like an SSN
    assert not [e for e in events if SSN.search(" ".join(str(v) for v in e.values()))]


async def test_denials_are_audited(http: httpx.AsyncClient, hub: Hub):
    subject = f"analyst-{uuid.uuid4().hex[:8]}"
    query = "{ participants(first: 2) { edges { node { id dateOfBirth } } } }"
    await http.post(
        "/graphql", json={"query": query}, headers=hub.headers("analyst", subject=subject)
    )
    events = await _events(http, hub, subject)
    assert {(e["action"], e["resource"]) for e in events} == {("deny", "Participant.dateOfBirth")}


async def test_masked_ssn_is_not_a_full_read(http: httpx.AsyncClient, hub: Hub):
    subject = f"analyst-{uuid.uuid4().hex[:8]}"
    query = "{ participants(first: 2) { edges { node { id ssn } } } }"
    response = await http.post(
        "/graphql", json={"query": query}, headers=hub.headers("analyst", subject=subject)
    )
    ssns = [e["node"]["ssn"] for e in response.json()["data"]["participants"]["edges"]]
    assert all(re.fullmatch(r"\*\*\*-\*\*-\d{4}", ssn) for ssn in nonempty(ssns, "participants"))
    assert await _events(http, hub, subject) == []


async def test_protected_values_are_withheld_when_the_trail_cannot_be_written(
    hub: Hub, tmp_path_factory
):
    # given a hub whose audit database was never migrated (every write fails)
    broken = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('broken')}/audit.db"
    settings = load_settings({"HUB_ENV": "development"})
    settings = replace(settings, database_urls={**hub.settings.database_urls, "audit": broken})
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        # when a state worker reads full SSNs
        response = await client.post(
            "/graphql",
            json={"query": QUERY_OWN_PARTICIPANTS},
            headers=hub.headers("state_worker", jurisdiction="06"),
        )
        # and when someone reads nothing that is audited
        plain = await client.post(
            "/graphql",
            json={"query": '{ directoryEntry(code: "06") { name } }'},
            headers=hub.headers("state_worker", jurisdiction="06"),
        )
    await dispose_engines(app.state.engines)
    # then no value leaves: the answer is an internal error, with no SSN in it
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert not SSN.search(response.text)
    # and what needs no audit still answers
    assert plain.json() == {"data": {"directoryEntry": {"name": "California"}}}


QUERY_OWN_SSN = "query OwnSsn($id: ID!) { participant(id: $id) { id ssn } }"
QUERY_SEARCH = (
    "query Search($ssn: String) { participants(ssn: $ssn) { totalCount edges { node { id } } } }"
)


async def _own_participant(http: httpx.AsyncClient, hub: Hub) -> dict[str, str]:
    query = (
        '{ cases(state: "06", first: 1)'
        " { edges { node { participants { participant { id ssn } } } } } }"
    )
    response = await http.post("/graphql", json={"query": query}, headers=hub.headers("ocss_staff"))
    person: dict[str, str] = response.json()["data"]["cases"]["edges"][0]["node"]["participants"][
        0
    ]["participant"]
    return person


async def test_three_reads_in_three_requests_are_three_events(http: httpx.AsyncClient, hub: Hub):
    # given an own participant read three times, in three requests
    person = await _own_participant(http, hub)
    subject = f"worker-{uuid.uuid4().hex[:8]}"
    headers = hub.headers("state_worker", subject=subject, jurisdiction="06")
    for _ in range(3):
        await http.post(
            "/graphql",
            json={"query": QUERY_OWN_SSN, "variables": {"id": person["id"]}},
            headers=headers,
        )
    # then the trail holds three reads of that SSN
    events = await _events(http, hub, subject)
    reads = [e for e in events if (e["action"], e["resource"]) == ("read", "Participant.ssn")]
    assert [e["recordId"] for e in reads] == [person["id"]] * 3


async def test_identical_reads_in_one_answer_are_one_event(http: httpx.AsyncClient, hub: Hub):
    # given one request reading the same SSN under three aliases
    person = await _own_participant(http, hub)
    subject = f"worker-{uuid.uuid4().hex[:8]}"
    query = (
        "query Thrice($id: ID!) { a: participant(id: $id) { ssn }"
        " b: participant(id: $id) { ssn } c: participant(id: $id) { ssn } }"
    )
    await http.post(
        "/graphql",
        json={"query": query, "variables": {"id": person["id"]}},
        headers=hub.headers("state_worker", subject=subject, jurisdiction="06"),
    )
    # then it is one disclosure, one event
    events = await _events(http, hub, subject)
    assert [(e["action"], e["resource"], e["recordId"]) for e in events] == [
        ("read", "Participant.ssn", person["id"])
    ]


async def test_three_reads_in_three_operations_on_one_socket_are_three_events(
    live_hub: str, http: httpx.AsyncClient, hub: Hub
):
    # given one WebSocket carrying three operations that read the same SSN
    person = await _own_participant(http, hub)
    subject = f"worker-{uuid.uuid4().hex[:8]}"
    async with subscriber(live_hub) as socket:
        ack = await socket.init(hub.token("state_worker", subject=subject, jurisdiction="06"))
        assert ack["type"] == "connection_ack"
        for number in range(3):
            payload = {"query": QUERY_OWN_SSN, "variables": {"id": person["id"]}}
            await socket.socket.send(
                json.dumps({"id": str(number), "type": "subscribe", "payload": payload})
            )
            answer = await socket.receive()
            assert answer["type"] == "next", answer
            assert answer["payload"]["data"]["participant"]["ssn"] == person["ssn"]
            assert (await socket.receive())["type"] == "complete"
    # then each operation's read is its own event
    events = await _events(http, hub, subject)
    reads = [e for e in events if (e["action"], e["resource"]) == ("read", "Participant.ssn")]
    assert [e["recordId"] for e in reads] == [person["id"]] * 3


async def test_a_search_is_audited_without_the_value_searched_for(
    http: httpx.AsyncClient, hub: Hub
):
    # given a state worker searching an own participant's SSN, and one of another state's
    person = await _own_participant(http, hub)
    subject = f"worker-{uuid.uuid4().hex[:8]}"
    headers = hub.headers("state_worker", subject=subject, jurisdiction="06")
    found = await http.post(
        "/graphql",
        json={"query": QUERY_SEARCH, "variables": {"ssn": person["ssn"]}},
        headers=headers,
    )
    assert found.json()["data"]["participants"]["totalCount"] == 1
    # then the search and the SSN it confirmed are in the trail, but not the SSN itself
    events = await _events(http, hub, subject)
    assert [(e["action"], e["resource"], e["recordId"]) for e in events] == [
        ("read", "Participant.search", None),
        ("read", "Participant.ssn", person["id"]),
    ]
    assert not [e for e in events if SSN.search(" ".join(str(v) for v in e.values()))]


async def test_a_refused_search_is_audited(http: httpx.AsyncClient, hub: Hub):
    person = await _own_participant(http, hub)
    subject = f"analyst-{uuid.uuid4().hex[:8]}"
    response = await http.post(
        "/graphql",
        json={"query": QUERY_SEARCH, "variables": {"ssn": person["ssn"]}},
        headers=hub.headers("analyst", subject=subject),
    )
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["FORBIDDEN"]
    events = await _events(http, hub, subject)
    assert [(e["action"], e["resource"], e["recordId"]) for e in events] == [
        ("deny", "Participant.search", None)
    ]


async def test_a_name_search_is_audited_too(http: httpx.AsyncClient, hub: Hub):
    subject = f"analyst-{uuid.uuid4().hex[:8]}"
    query = 'query Named { participants(lastName: "Nobody-Such") { totalCount } }'
    response = await http.post(
        "/graphql", json={"query": query}, headers=hub.headers("analyst", subject=subject)
    )
    assert response.json() == {"data": {"participants": {"totalCount": 0}}}
    events = await _events(http, hub, subject)
    assert [(e["action"], e["resource"], e["recordId"]) for e in events] == [
        ("read", "Participant.search", None)
    ]
    assert all("Nobody" not in str(e.values()) for e in events)
