"""The write side: misidentified SSNs, offset certifications, passports; refusals change nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLSchema, build_schema, get_named_type

from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS

MUTATION_ADD = """
mutation Add($input: MisidentifiedSsnInput!) {
  addMisidentifiedSsn(input: $input) {
    misidentifiedSsn { ssn reportedBy { code } participant { id } }
    userErrors { field message code }
  }
}
"""
MUTATION_REMOVE = MUTATION_ADD.replace("Add(", "Remove(").replace(
    "addMisidentifiedSsn", "removeMisidentifiedSsn"
)
MUTATION_UPDATE = """
mutation Update($input: UpdateOffsetCertificationInput!) {
  updateOffsetCertification(input: $input) {
    offsetCertification { id arrearsAmount caseType passportStatus
      passportDenialEligible taxRefundOffsetEligible }
    userErrors { field message code }
  }
}
"""
MUTATION_RELEASE = """
mutation Release($id: ID!, $emergency: Boolean) {
  releasePassport(id: $id, emergency: $emergency) {
    offsetCertification { id passportStatus }
    userErrors { field message code }
  }
}
"""
QUERY_REPORTS = """
query Reports($id: ID!) { participant(id: $id) { misidentifiedSsns { ssn reportedBy { code } } } }
"""
QUERY_CERTIFICATIONS = """
{ offsetCertifications(first: 100) { edges { node {
    id arrearsAmount caseType passportStatus submittingState { code } } } } }
"""


@pytest.fixture(scope="module")
def fresh_url(fresh_hub: Hub) -> Iterator[str]:
    with serving(fresh_hub.settings) as url:
        yield url


@pytest.fixture
async def http(fresh_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=fresh_url, timeout=30) as client:
        yield client


async def _gql(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def _own_participant(http: httpx.AsyncClient, hub: Hub, state: str) -> str:
    query = (
        "query($s: String) { cases(state: $s, first: 1)"
        " { edges { node { participants { participant { id } } } } } }"
    )
    data = await _gql(http, hub.headers("ocss_staff", fti=True), query, s=state)
    participant_id: str = data["cases"]["edges"][0]["node"]["participants"][0]["participant"]["id"]
    return participant_id


async def _certifications(http: httpx.AsyncClient, hub: Hub) -> list[dict[str, Any]]:
    data = await _gql(http, hub.headers("ocss_staff", fti=True), QUERY_CERTIFICATIONS)
    return [edge["node"] for edge in data["offsetCertifications"]["edges"]]


async def _reports(http: httpx.AsyncClient, hub: Hub, participant_id: str) -> list[Any]:
    data = await _gql(http, hub.headers("ocss_staff", fti=True), QUERY_REPORTS, id=participant_id)
    reports: list[Any] = data["participant"]["misidentifiedSsns"]
    return reports


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def test_misidentified_ssn_added_and_removed_by_an_own_worker(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given a worker of 06 and a participant on a case 06 holds
    participant_id = await _own_participant(http, fresh_hub, "06")
    worker = fresh_hub.headers("state_worker", jurisdiction="06")
    report = {"participantId": participant_id, "ssn": "987-65-4321"}
    # when the worker reports an SSN as misidentified
    added = (await _gql(http, worker, MUTATION_ADD, input=report))["addMisidentifiedSsn"]
    # then it is recorded, in full for the own worker, reported by 06
    assert added["userErrors"] == []
    assert added["misidentifiedSsn"]["ssn"] == "987-65-4321"
    assert added["misidentifiedSsn"]["reportedBy"]["code"] == "06"
    assert {"ssn": "987-65-4321", "reportedBy": {"code": "06"}} in await _reports(
        http, fresh_hub, participant_id
    )
    # and reporting it twice is refused
    again = (await _gql(http, worker, MUTATION_ADD, input=report))["addMisidentifiedSsn"]
    assert _codes(again) == ["BAD_USER_INPUT"]
    # when it is withdrawn, it is gone, and withdrawing again finds nothing
    removed = (await _gql(http, worker, MUTATION_REMOVE, input=report))["removeMisidentifiedSsn"]
    assert removed["userErrors"] == []
    assert report["ssn"] not in [r["ssn"] for r in await _reports(http, fresh_hub, participant_id)]
    gone = (await _gql(http, worker, MUTATION_REMOVE, input=report))["removeMisidentifiedSsn"]
    assert _codes(gone) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("role", "claims", "ssn", "codes"),
    [
        ("state_worker", {"jurisdiction": "06"}, "98765-4321", ["BAD_USER_INPUT"]),
        ("state_worker", {"jurisdiction": "06"}, "not an ssn", ["BAD_USER_INPUT"]),
        ("state_worker", {"jurisdiction": "99"}, "987-65-4322", ["FORBIDDEN"]),
        ("ocss_staff", {"jurisdiction": "FED"}, "987-65-4323", ["FORBIDDEN"]),
        ("employer", {"fein": "90-0000001"}, "987-65-4324", ["FORBIDDEN"]),
    ],
)
async def test_misidentified_ssn_refusals_change_nothing(
    http: httpx.AsyncClient,
    fresh_hub: Hub,
    role: str,
    claims: dict[str, Any],
    ssn: str,
    codes: list[str],
):
    participant_id = await _own_participant(http, fresh_hub, "06")
    before = await _reports(http, fresh_hub, participant_id)
    payload = (
        await _gql(
            http,
            fresh_hub.headers(role, **claims),
            MUTATION_ADD,
            input={"participantId": participant_id, "ssn": ssn},
        )
    )["addMisidentifiedSsn"]
    assert payload["misidentifiedSsn"] is None
    assert _codes(payload) == codes
    assert await _reports(http, fresh_hub, participant_id) == before


async def test_misidentified_ssn_unknown_participant(http: httpx.AsyncClient, fresh_hub: Hub):
    worker = fresh_hub.headers("state_worker", jurisdiction="06")
    for participant_id, code in (
        ("UGFydGljaXBhbnQ6OTk5OTk5", "NOT_FOUND"),
        ("bogus", "BAD_USER_INPUT"),
    ):
        payload = (
            await _gql(
                http,
                worker,
                MUTATION_ADD,
                input={"participantId": participant_id, "ssn": "987-65-4325"},
            )
        )["addMisidentifiedSsn"]
        assert _codes(payload) == [code]
        assert payload["userErrors"][0]["field"] == ["input", "participantId"]


async def test_offset_update_by_the_submitting_state(http: httpx.AsyncClient, fresh_hub: Hub):
    # given a denied passport certified by some state
    cert = next(
        c for c in await _certifications(http, fresh_hub) if c["passportStatus"] == "DENIED"
    )
    worker = fresh_hub.headers("state_worker", jurisdiction=cert["submittingState"]["code"])
    # when its worker lowers the arrears under every threshold
    payload = (
        await _gql(
            http, worker, MUTATION_UPDATE, input={"id": cert["id"], "arrearsAmount": "120.00"}
        )
    )["updateOffsetCertification"]
    # then eligibility follows, but the passport stays denied: release is never automatic
    updated = payload["offsetCertification"]
    assert payload["userErrors"] == []
    assert updated["arrearsAmount"] == "120.00"
    assert updated["passportDenialEligible"] is False
    assert updated["taxRefundOffsetEligible"] is False
    assert updated["passportStatus"] == "DENIED"


@pytest.mark.parametrize(
    ("role", "same_state", "change", "code"),
    [
        ("state_worker", True, {"arrearsAmount": "-1.00"}, "BAD_USER_INPUT"),
        ("state_worker", False, {"arrearsAmount": "10.00"}, "FORBIDDEN"),
        ("ocss_staff", True, {"arrearsAmount": "10.00"}, "FORBIDDEN"),
        ("analyst", True, {"caseType": "TANF"}, "FORBIDDEN"),
    ],
)
async def test_offset_update_refusals_change_nothing(
    http: httpx.AsyncClient,
    fresh_hub: Hub,
    role: str,
    same_state: bool,
    change: dict[str, str],
    code: str,
):
    cert = (await _certifications(http, fresh_hub))[0]
    state = cert["submittingState"]["code"] if same_state else "99"
    payload = (
        await _gql(
            http,
            fresh_hub.headers(role, jurisdiction=state),
            MUTATION_UPDATE,
            input={"id": cert["id"], **change},
        )
    )["updateOffsetCertification"]
    assert _codes(payload) == [code]
    assert payload["offsetCertification"] is None
    after = next(c for c in await _certifications(http, fresh_hub) if c["id"] == cert["id"])
    assert after == cert


async def test_money_input_must_be_an_amount(http: httpx.AsyncClient, fresh_hub: Hub):
    cert = (await _certifications(http, fresh_hub))[0]
    worker = fresh_hub.headers("state_worker", jurisdiction=cert["submittingState"]["code"])
    response = await http.post(
        "/graphql",
        json={
            "query": MUTATION_UPDATE,
            "variables": {"input": {"id": cert["id"], "arrearsAmount": "12.345"}},
        },
        headers=worker,
    )
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("emergency", "status"), [(False, "RELEASED"), (True, "EMERGENCY_RELEASED")]
)
async def test_passport_release(
    http: httpx.AsyncClient, fresh_hub: Hub, emergency: bool, status: str
):
    cert = next(
        c for c in await _certifications(http, fresh_hub) if c["passportStatus"] == "DENIED"
    )
    worker = fresh_hub.headers("state_worker", jurisdiction=cert["submittingState"]["code"])
    payload = (await _gql(http, worker, MUTATION_RELEASE, id=cert["id"], emergency=emergency))[
        "releasePassport"
    ]
    assert payload["userErrors"] == []
    assert payload["offsetCertification"]["passportStatus"] == status


async def test_passport_not_denied_cannot_be_released(http: httpx.AsyncClient, fresh_hub: Hub):
    cert = next(
        c for c in await _certifications(http, fresh_hub) if c["passportStatus"] == "NOT_CERTIFIED"
    )
    worker = fresh_hub.headers("state_worker", jurisdiction=cert["submittingState"]["code"])
    payload = (await _gql(http, worker, MUTATION_RELEASE, id=cert["id"]))["releasePassport"]
    assert _codes(payload) == ["BAD_USER_INPUT"]


async def test_every_mutation_is_audited(http: httpx.AsyncClient, fresh_hub: Hub):
    # given a worker with a subject of its own
    subject = f"writer-{uuid.uuid4().hex[:8]}"
    participant_id = await _own_participant(http, fresh_hub, "06")
    worker = fresh_hub.headers("state_worker", jurisdiction="06", subject=subject)
    report = {"participantId": participant_id, "ssn": "987-65-4329"}
    # when it writes once and is refused once
    await _gql(http, worker, MUTATION_ADD, input=report)
    await _gql(http, worker, MUTATION_ADD, input={**report, "ssn": "bad"})
    # then the trail holds both attempts, and the full SSN the payload gave back
    query = "query($s: String) { auditEvents(subject: $s) { edges { node { action resource } } } }"
    events = (await _gql(http, fresh_hub.headers("auditor"), query, s=subject))["auditEvents"]
    assert [e["node"] for e in events["edges"]] == [
        {"action": "write", "resource": "MisidentifiedSsn"},
        {"action": "read", "resource": "MisidentifiedSsn.ssn"},
        {"action": "write", "resource": "MisidentifiedSsn"},
    ]


async def test_concurrent_updates_lose_nothing(http: httpx.AsyncClient, fresh_hub: Hub):
    # given one certification and its state's worker
    cert = (await _certifications(http, fresh_hub))[-1]
    worker = fresh_hub.headers("state_worker", jurisdiction=cert["submittingState"]["code"])
    for round_ in range(5):
        case_type = "TANF" if round_ % 2 else "NON_TANF"
        arrears = f"{1000 + round_}.00"
        # when two workers change different fields at the same moment
        first, second = await asyncio.gather(
            _gql(http, worker, MUTATION_UPDATE, input={"id": cert["id"], "caseType": case_type}),
            _gql(http, worker, MUTATION_UPDATE, input={"id": cert["id"], "arrearsAmount": arrears}),
        )
        # then both apply: neither change overwrote the other
        assert first["updateOffsetCertification"]["userErrors"] == []
        assert second["updateOffsetCertification"]["userErrors"] == []
        now = next(c for c in await _certifications(http, fresh_hub) if c["id"] == cert["id"])
        assert (now["caseType"], Decimal(now["arrearsAmount"])) == (case_type, Decimal(arrears))


QUERY_WRITES = """
query Writes($s: String) { auditEvents(subject: $s, first: 100) {
  edges { node { action resource recordId operation } } } }
"""
MUTATION_THREE = """
mutation Three($p: ID!) {
  a: addMisidentifiedSsn(input: {participantId: $p, ssn: "987-65-4401"}) {
    misidentifiedSsn { ssn } userErrors { code } }
  b: addMisidentifiedSsn(input: {participantId: $p, ssn: "987-65-4402"}) {
    misidentifiedSsn { ssn } userErrors { code } }
  c: removeMisidentifiedSsn(input: {participantId: $p, ssn: "987-65-4401"}) {
    misidentifiedSsn { ssn } userErrors { code } }
}
"""


async def _trail(http: httpx.AsyncClient, hub: Hub, subject: str) -> list[dict[str, Any]]:
    data = await _gql(http, hub.headers("auditor"), QUERY_WRITES, s=subject)
    return [edge["node"] for edge in data["auditEvents"]["edges"]]


async def test_each_write_of_one_request_is_its_own_event_with_its_record(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given an own worker adding two reports and withdrawing the first, in one request
    participant_id = await _own_participant(http, fresh_hub, "06")
    subject = f"writer-{uuid.uuid4().hex[:8]}"
    worker = fresh_hub.headers("state_worker", jurisdiction="06", subject=subject)
    data = await _gql(http, worker, MUTATION_THREE, p=participant_id)
    assert [data[k]["userErrors"] for k in "abc"] == [[], [], []]
    # then the trail holds three writes, each naming the participant and its report
    events = await _trail(http, fresh_hub, subject)
    writes = [e["recordId"] for e in events if e["action"] == "write"]
    assert len(writes) == 3
    assert all(w.startswith(f"{participant_id}/") for w in writes)
    first, second, withdrawn = writes
    assert first == withdrawn != second
    # and each report's SSN read back is a read of that report (the withdrawn one read back
    # twice in this one answer is one disclosure, one event)
    reads = [e["recordId"] for e in events if e["action"] == "read"]
    assert sorted(reads) == sorted({first, second})


async def test_a_refused_write_names_the_record_it_was_refused_on(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given a worker of a state holding none of the participant's cases, and of the cert
    participant_id = await _own_participant(http, fresh_hub, "06")
    cert = (await _certifications(http, fresh_hub))[0]
    subject = f"refused-{uuid.uuid4().hex[:8]}"
    stranger = fresh_hub.headers("state_worker", jurisdiction="99", subject=subject)
    # when it tries to write both, and names a participant id that is not one
    report = {"participantId": participant_id, "ssn": "987-65-4403"}
    await _gql(http, stranger, MUTATION_ADD, input=report)
    await _gql(http, stranger, MUTATION_UPDATE, input={"id": cert["id"], "caseType": "TANF"})
    await _gql(http, stranger, MUTATION_RELEASE, id=cert["id"])
    await _gql(http, stranger, MUTATION_ADD, input={**report, "participantId": "bogus"})
    # then each refusal names what it targeted (nothing when the input named nothing)
    events = await _trail(http, fresh_hub, subject)
    assert [(e["resource"], e["recordId"]) for e in events if e["action"] == "write"] == [
        ("MisidentifiedSsn", participant_id),
        ("OffsetCertification", cert["id"]),
        ("OffsetCertification", cert["id"]),
        ("MisidentifiedSsn", None),
    ]


async def test_release_passport_refusals_name_its_id_argument(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    certs = await _certifications(http, fresh_hub)
    denied = next(c for c in certs if c["passportStatus"] == "DENIED")
    not_certified = next(c for c in certs if c["passportStatus"] == "NOT_CERTIFIED")
    missing = "T2Zmc2V0Q2VydGlmaWNhdGlvbjo5OTk5OTk"  # OffsetCertification:999999
    cases = [
        ("99", denied["id"], "FORBIDDEN"),
        (not_certified["submittingState"]["code"], not_certified["id"], "BAD_USER_INPUT"),
        ("06", "bogus", "BAD_USER_INPUT"),
        ("06", missing, "NOT_FOUND"),
    ]
    for state, certification_id, code in cases:
        worker = fresh_hub.headers("state_worker", jurisdiction=state)
        payload = (await _gql(http, worker, MUTATION_RELEASE, id=certification_id))[
            "releasePassport"
        ]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["id"], code)]


# the served SDL: tests/schema/test_contract.py holds it to the hub and to the shared
# contract (which renames nothing), and unlike ../shared it is in every clone
SERVED_SDL = Path(__file__).resolve().parents[2] / "schema.graphql"
REFUSED_WRITES = [
    # (mutation name, document, variables with "$pid"/"$cert" placeholders, role claims)
    ("addMisidentifiedSsn", MUTATION_ADD, {"input": {"participantId": "$pid", "ssn": "12"}}),
    ("addMisidentifiedSsn", MUTATION_ADD, {"input": {"participantId": "x", "ssn": "1"}}),
    (
        "removeMisidentifiedSsn",
        MUTATION_REMOVE,
        {"input": {"participantId": "$pid", "ssn": "987-65-4409"}},
    ),
    ("updateOffsetCertification", MUTATION_UPDATE, {"input": {"id": "x"}}),
    (
        "updateOffsetCertification",
        MUTATION_UPDATE,
        {"input": {"id": "$cert", "arrearsAmount": "-1.00", "caseType": "TANF"}},
    ),
    ("releasePassport", MUTATION_RELEASE, {"id": "$cert"}),
    ("releasePassport", MUTATION_RELEASE, {"id": "x"}),
    (
        "reportTermination",
        "mutation($input: ReportTerminationInput!) { reportTermination(input: $input)"
        " { userErrors { field message code } } }",
        {
            "input": {
                "employeeSsn": "1",
                "employeeFirstName": " ",
                "employeeLastName": "Lee",
                "neverEmployed": True,
                "terminatedOn": "2026-01-01",
                "lastKnownAddress": {"line1": "", "city": "", "state": "ZZ", "zip": "1"},
            }
        },
    ),
    (
        "sendDocument",
        "mutation($input: SendDocumentInput!) { sendDocument(input: $input)"
        " { userErrors { field message code } } }",
        {
            "input": {
                "caseId": "x",
                "recipient": "ZZ",
                "formType": "GENERAL_TESTIMONY",
                "title": "t",
                "contentBase64": "!!",
            }
        },
    ),
    (
        "requestDocument",
        "mutation($input: RequestDocumentInput!) { requestDocument(input: $input)"
        " { userErrors { field message code } } }",
        {"input": {"caseId": "x", "recipient": "ZZ", "formType": "GENERAL_TESTIMONY", "title": ""}},
    ),
]
WRITERS = [
    ("state_worker", {"jurisdiction": "06"}),
    ("state_worker", {"jurisdiction": "99"}),
    ("employer", {"fein": "90-0000001"}),
]


def _names_an_argument(contract: GraphQLSchema, mutation: str, path: list[str]) -> bool:
    """Whether `path` is an argument of `mutation` in the contract, then its input fields."""
    assert contract.mutation_type is not None
    argument = contract.mutation_type.fields[mutation].args.get(path[0])
    if argument is None:
        return False
    type_ = get_named_type(argument.type)
    for name in path[1:]:
        if not isinstance(type_, GraphQLInputObjectType) or name not in type_.fields:
            return False
        type_ = get_named_type(type_.fields[name].type)
    return True


def _placed(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _placed(item, names) for key, item in value.items()}
    return names.get(value, value) if isinstance(value, str) else value


async def test_every_refusal_names_an_argument_of_the_contract(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given the contract's mutations, as served
    contract = build_schema(SERVED_SDL.read_text())
    names = {
        "$pid": await _own_participant(http, fresh_hub, "06"),
        "$cert": (await _certifications(http, fresh_hub))[0]["id"],
    }
    wrong: list[tuple[str, list[str]]] = []
    seen = 0
    # when each mutation is refused, by every kind of writer
    for mutation, document, variables in REFUSED_WRITES:
        for role, claims in WRITERS:
            payload = (
                await _gql(
                    http, fresh_hub.headers(role, **claims), document, **_placed(variables, names)
                )
            )[mutation]
            assert payload["userErrors"], (mutation, role, claims)
            for error in payload["userErrors"]:
                seen += 1
                if error["field"] is not None and not _names_an_argument(
                    contract, mutation, error["field"]
                ):
                    wrong.append((mutation, error["field"]))
    # then every error's field is an argument (or input field) the contract has
    assert seen > len(REFUSED_WRITES)
    assert wrong == []


async def test_a_refused_document_send_names_the_case_it_was_about(
    http: httpx.AsyncClient, fresh_hub: Hub
):
    # given a case, and an employer (who may not send documents) sending one about it
    query = '{ cases(state: "06", first: 1) { edges { node { id } } } }'
    case_id = (await _gql(http, fresh_hub.headers("ocss_staff"), query))["cases"]["edges"][0][
        "node"
    ]["id"]
    subject = f"sender-{uuid.uuid4().hex[:8]}"
    document = {
        "caseId": case_id,
        "recipient": "36",
        "formType": "GENERAL_TESTIMONY",
        "title": "Testimony",
        "contentBase64": "aGVsbG8=",
    }
    mutation = (
        "mutation Send($input: SendDocumentInput!) { sendDocument(input: $input)"
        " { document { id } userErrors { code } } }"
    )
    payload = (
        await _gql(
            http,
            fresh_hub.headers("employer", fein="90-0000001", subject=subject),
            mutation,
            input=document,
        )
    )["sendDocument"]
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    # then the refusal in the trail names that case
    events = await _trail(http, fresh_hub, subject)
    assert [(e["action"], e["resource"], e["recordId"]) for e in events] == [
        ("write", "Document", case_id)
    ]
