"""Reading every source through real HTTP, as users of each role do."""

from __future__ import annotations

import re

import httpx
import pytest

from policy.tokens import ROLES
from tests.conftest import Hub

QUERY_CASES = """
query Cases($first: Int, $after: String) {
  cases(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id stateCaseId caseType status hasOrder openedOn
      state { code name kind }
      participants { role participant { id firstName lastName ssn } }
      worker { name } financials { arrears } activities { code } documents { id }
    } }
  }
}
"""

QUERY_PARTICIPANT = """
query One($id: ID!) {
  participant(id: $id) {
    id ssn ssnVerification firstName lastName dateOfBirth dateOfDeath deceased sex familyViolence
    cases { role case { id state { code } } }
    addresses { line1 city state zip source reportedOn }
    employment { hireDate reportedOn state employer { fein name } }
    wages { year quarter amount employer { fein } }
    offsetCertifications { id arrearsAmount passportStatus }
    misidentifiedSsns { ssn reportedOn reportedBy { code } participant { id } }
  }
}
"""

QUERY_EMPLOYERS = """
query Employers($eIwo: Boolean) {
  employers(first: 50, eIwoParticipant: $eIwo) {
    totalCount
    edges { node { id fein name eIwoParticipant debtInquiryParticipant providesMedicalInsurance
      addresses { kind address { line1 city state zip } }
      contacts { name phone email } } }
  }
}
"""

QUERY_OFFSETS = """
{
  offsetCertifications(first: 100) {
    totalCount
    edges { node {
      id caseType arrearsAmount certifiedOn passportStatus
      passportDenialEligible taxRefundOffsetEligible
      submittingState { code kind }
      participant { id lastName familyViolence }
      taxRefundOffsets { taxYear amount offsetOn jointReturn }
    } }
  }
}
"""

QUERY_DIRECTORY = """
query Dir($kind: JurisdictionKind, $after: String) {
  directory(kind: $kind, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code name kind contacts { name phone } profile { topic question answer } } }
  }
}
"""


async def _post(http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: object):
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


# a jurisdiction of the shape each role's token needs (policy/tokens.py), else California
JURISDICTION_OF_ROLE = {"tribal_worker": "T0001"}


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_reads_the_directory(http: httpx.AsyncClient, hub: Hub, role: str):
    # given a token of each role
    jurisdiction = JURISDICTION_OF_ROLE.get(role, "06")
    headers = hub.headers(role, jurisdiction=jurisdiction, fein="90-0000001")
    # when the states of the directory are read
    data = await _post(http, headers, QUERY_DIRECTORY, kind="STATE")
    # then all 54 state jurisdictions are there, California among them
    assert data["directory"]["totalCount"] == 54
    codes = [edge["node"]["code"] for edge in data["directory"]["edges"]]
    assert "06" in codes


async def test_directory_pages_walk_every_entry_once(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("analyst")
    seen: list[str] = []
    after = None
    while True:
        data = (await _post(http, headers, QUERY_DIRECTORY, after=after))["directory"]
        seen += [edge["node"]["code"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == data["totalCount"]
    assert {"06", "T0001", "CA", "FED"} <= set(seen)


async def test_cases_page_through_with_cursors(http: httpx.AsyncClient, hub: Hub):
    # given a caseworker
    headers = hub.headers("state_worker", jurisdiction="06")
    # when two pages of cases are read
    one = (await _post(http, headers, QUERY_CASES, first=3))["cases"]
    two = await _post(http, headers, QUERY_CASES, first=3, after=one["pageInfo"]["endCursor"])
    # then they follow each other without overlap, and every case has its people and
    # the holding state's live view
    ids_one = [e["node"]["id"] for e in one["edges"]]
    ids_two = [e["node"]["id"] for e in two["cases"]["edges"]]
    assert len(ids_one) == 3
    assert len(ids_two) == 3
    assert not set(ids_one) & set(ids_two)
    assert one["totalCount"] > 50
    for edge in one["edges"]:
        roles = {p["role"] for p in edge["node"]["participants"]}
        assert {"CUSTODIAL_PARTY", "CHILD"} <= roles
        assert edge["node"]["worker"]["name"]
        assert edge["node"]["financials"]["arrears"]
        assert edge["node"]["activities"]


async def test_cases_filter_by_state_and_status(http: httpx.AsyncClient, hub: Hub):
    # given the tribes of the directory
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    tribes = await _post(http, headers, "{ directory(kind: TRIBE) { edges { node { code } } } }")
    query = (
        "query($s: String) { cases(state: $s, status: OPEN, first: 100)"
        " { edges { node { status state { code kind } } } } }"
    )
    found = 0
    for edge in tribes["directory"]["edges"]:
        code = edge["node"]["code"]
        # when open cases are asked for, tribe by tribe
        cases = (await _post(http, headers, query, s=code))["cases"]["edges"]
        # then only that tribe's open cases come back
        assert {c["node"]["state"]["code"] for c in cases} <= {code}
        assert {c["node"]["state"]["kind"] for c in cases} <= {"TRIBE"}
        assert {c["node"]["status"] for c in cases} <= {"OPEN"}
        found += len(cases)
    assert found, "the demo data holds open tribal cases"


async def test_participant_gathers_every_source(http: httpx.AsyncClient, hub: Hub):
    # given a noncustodial parent with a certification (found through the offsets list)
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    offsets = (await _post(http, headers, QUERY_OFFSETS))["offsetCertifications"]["edges"]
    participant_id = next(
        edge["node"]["participant"]["id"]
        for edge in offsets
        if not edge["node"]["participant"]["familyViolence"]
    )
    # when the participant is read with everything hanging off them
    person = (await _post(http, headers, QUERY_PARTICIPANT, id=participant_id))["participant"]
    # then FCR, NDNH and offsets data all arrive, SSNs synthetic
    assert re.fullmatch(r"9\d\d-\d\d-\d{4}", person["ssn"])
    assert person["cases"]
    assert person["offsetCertifications"]
    assert any(c["role"] in ("NONCUSTODIAL_PARENT", "PUTATIVE_FATHER") for c in person["cases"])
    assert person["deceased"] == (person["dateOfDeath"] is not None)


async def test_participants_search_by_ssn_and_name(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("state_worker", jurisdiction="06")
    first = await _post(
        http, headers, "{ participants(first: 1) { edges { node { id ssn lastName firstName } } } }"
    )
    node = first["participants"]["edges"][0]["node"]
    by_ssn = await _post(
        http,
        headers,
        "query($s: String) { participants(ssn: $s) { totalCount edges { node { id } } } }",
        s=node["ssn"],
    )
    assert node["id"] in [e["node"]["id"] for e in by_ssn["participants"]["edges"]]
    by_name = await _post(
        http,
        headers,
        "query($l: String, $f: String) {"
        " participants(lastName: $l, firstName: $f, first: 100) { edges { node { id } } } }",
        l=node["lastName"].upper(),
        f=node["firstName"].lower(),
    )
    assert node["id"] in [e["node"]["id"] for e in by_name["participants"]["edges"]]


async def test_employers_filter_and_detail(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("analyst")
    with_eiwo = (await _post(http, headers, QUERY_EMPLOYERS, eIwo=True))["employers"]
    without = (await _post(http, headers, QUERY_EMPLOYERS, eIwo=False))["employers"]
    assert with_eiwo["totalCount"] > 0
    assert without["totalCount"] > 0
    assert all(e["node"]["eIwoParticipant"] for e in with_eiwo["edges"])
    kinds = {
        a["kind"] for e in with_eiwo["edges"] + without["edges"] for a in e["node"]["addresses"]
    }
    assert kinds == {
        "PAYROLL",
        "IWO",
        "SERVICE_OF_PROCESS",
        "VERIFICATION_OF_EMPLOYMENT",
        "MEDICAL_SUPPORT",
    }
    one = await _post(http, headers, '{ employer(fein: "90-0000001") { fein name } }')
    assert one["employer"]["fein"] == "90-0000001"
    none = await _post(http, headers, '{ employer(fein: "99-9999999") { fein } }')
    assert none["employer"] is None


async def test_offset_eligibility_follows_the_program_rules(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    data = (await _post(http, headers, QUERY_OFFSETS))["offsetCertifications"]
    from decimal import Decimal

    for edge in data["edges"]:
        node = edge["node"]
        arrears = Decimal(node["arrearsAmount"])
        assert node["passportDenialEligible"] == (arrears > Decimal("2500"))
        floor = Decimal("150") if node["caseType"] == "TANF" else Decimal("500")
        assert node["taxRefundOffsetEligible"] == (arrears >= floor)
        assert re.fullmatch(r"\d+\.\d\d", node["arrearsAmount"])


@pytest.mark.parametrize(
    ("root", "query"),
    [
        ("participants", "{ participants(first: 2) { edges { node { id __typename } } } }"),
        ("cases", "{ cases(first: 2) { edges { node { id __typename } } } }"),
        ("employers", "{ employers(first: 2) { edges { node { id __typename } } } }"),
        (
            "offsetCertifications",
            "{ offsetCertifications(first: 2) { edges { node { id __typename } } } }",
        ),
        ("directory", "{ directory(first: 2) { edges { node { id __typename } } } }"),
    ],
)
async def test_node_finds_every_node_type(http: httpx.AsyncClient, hub: Hub, root: str, query: str):
    headers = hub.headers("ocss_staff", jurisdiction="FED", fti=True)
    for edge in (await _post(http, headers, query))[root]["edges"]:
        found = await _post(
            http,
            headers,
            "query($id: ID!) { node(id: $id) { id __typename } }",
            id=edge["node"]["id"],
        )
        assert found["node"] == edge["node"]


async def test_notices_come_only_from_reports_not_from_the_seed(http: httpx.AsyncClient, hub: Hub):
    # the shared seeded hub is never reported to, so it holds no termination notices
    headers = hub.headers("state_worker", jurisdiction="06")
    data = await _post(http, headers, "{ terminationNotices { totalCount } }")
    assert data == {"terminationNotices": {"totalCount": 0}}
