"""Hostile values over real HTTP and WebSocket, as each role that can reach the path.

Ids, cursors and link parameters with non-ASCII digits, huge numbers, NUL bytes,
lone surrogates and overlong text; Money beyond its column; text beyond its column.
Each answer is a 4xx or an error with a contract code (BAD_USER_INPUT, NOT_FOUND or
the role's refusal), never a 5xx or INTERNAL_SERVER_ERROR, and never repeats the value.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLObjectType,
    get_named_type,
)

from policy.tokens import issue_token
from resolvers.ids import encode_cursor
from schema import schema as SCHEMA
from settings import load_settings
from tests.conftest import Hub, serving
from tests.services.graphql_ws import subscriber

SSN = "900-12-3456"
CLAIMS: dict[str, dict[str, Any]] = {
    "state_worker": {"jurisdiction": "06"},
    "tribal_worker": {"jurisdiction": "T0001"},
    "ocss_staff": {"fti": True},
    "analyst": {},
    "employer": {"fein": "90-0000001"},
    "auditor": {},
}
SAFE_CODES = {"BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _raw(text: str) -> str:
    """base64url of any text, lone surrogates included: an id as a hostile client makes it."""
    data = text.encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


HOSTILE_KEYS = ["١٢٣", "²", "１２３", "99999999999999999999", "2147483648", "1\x00", "\ud800"]
HOSTILE_IDS = [
    *(_raw(f"Participant:{key}") for key in HOSTILE_KEYS),
    *(_raw(f"Case:{key}") for key in HOSTILE_KEYS[:3]),
    "١٢٣",
    "²",
    "\x00",
    "\ud800",
    "A" * 50_000,
]


def _text(body: object) -> str:
    return json.dumps(body, ensure_ascii=False)


def _errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = body.get("errors") or []
    payloads = [v for v in (body.get("data") or {}).values() if isinstance(v, dict)]
    for payload in payloads:
        errors += payload.get("userErrors") or []
    return errors


def _assert_safe(
    status: int, body: dict[str, Any], sent: str, codes: set[str] = SAFE_CODES
) -> list[dict[str, Any]]:
    """A client's answer: no 5xx, every error coded and not internal, nothing echoed."""
    assert status < 500, body
    if _SURROGATE.search(sent):  # not Unicode: the endpoint refuses such JSON whole
        codes = {*codes, "GRAPHQL_PARSE_FAILED"}
    errors = _errors(body)
    for error in errors:
        code = error["extensions"]["code"] if "extensions" in error else error["code"]
        assert code in codes, error
    if len(sent) >= 2:
        assert sent not in _text(body), body
    return errors


async def _post(
    http: httpx.AsyncClient, hub: Hub, role: str, query: str, variables: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    headers = {**hub.headers(role, **CLAIMS[role]), "Content-Type": "application/json"}
    # json.dumps escapes lone surrogates ("\\ud800"), as a hostile client's JSON may hold them
    content = json.dumps({"query": query, "variables": variables})
    response = await http.post("/graphql", content=content, headers=headers)
    body: dict[str, Any] = response.json()
    return response.status_code, body


ID_READS = [
    ("query($v: ID!) { participant(id: $v) { id } }", ("state_worker", "ocss_staff", "analyst")),
    ("query($v: ID!) { case(id: $v) { id } }", ("state_worker", "tribal_worker", "analyst")),
    ("query($v: ID!) { document(id: $v) { id } }", ("state_worker", "ocss_staff")),
    ("query($v: ID!) { node(id: $v) { id } }", ("state_worker", "employer", "auditor")),
    ("query($v: ID) { cases(participantId: $v) { totalCount } }", ("ocss_staff", "analyst")),
    ("query($v: ID) { offsetCertifications(participantId: $v) { totalCount } }", ("state_worker",)),
    ("query($v: ID) { documents(caseId: $v) { totalCount } }", ("state_worker", "ocss_staff")),
    (
        "mutation($v: ID!) { releasePassport(id: $v) { userErrors { field message code } } }",
        ("state_worker",),
    ),
]


@pytest.mark.parametrize("value", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
async def test_hostile_ids_are_refused_or_not_found(http: httpx.AsyncClient, hub: Hub, value: str):
    for query, roles in ID_READS:
        for role in roles:
            status, body = await _post(http, hub, role, query, {"v": value})
            _assert_safe(status, body, value)


LISTS = [
    ("cases", "Case", ("ocss_staff", "state_worker")),
    ("participants", "Participant", ("ocss_staff", "analyst")),
    ("employers", "Employer", ("employer", "analyst")),
    ("offsetCertifications", "OffsetCertification", ("ocss_staff",)),
    ("documents", "Document", ("state_worker",)),
    ("terminationNotices", "TerminationNotice", ("ocss_staff", "employer")),
    ("auditEvents", "AuditEvent", ("auditor",)),
    ("directory", "DirectoryEntry", ("employer",)),
]
HOSTILE_CURSORS = ["\x00", "\ud800", "A" * 20_000, "١٢٣"]


@pytest.mark.parametrize(("field", "list_name", "roles"), LISTS, ids=[f for f, _, _ in LISTS])
async def test_hostile_cursors_are_bad_user_input(
    http: httpx.AsyncClient, hub: Hub, field: str, list_name: str, roles: tuple[str, ...]
):
    query = f"query($v: String) {{ {field}(first: 2, after: $v) {{ totalCount }} }}"
    # audit events are keyed by BIGINT: 2147483648 is a key they may have
    keys = [k for k in HOSTILE_KEYS[:6] if not (list_name == "AuditEvent" and k == "2147483648")]
    cursors = [encode_cursor(list_name, key) for key in keys] + HOSTILE_CURSORS
    for role in roles:
        for cursor in cursors:
            status, body = await _post(http, hub, role, query, {"v": cursor})
            errors = _assert_safe(status, body, cursor)
            if list_name != "DirectoryEntry" and not _SURROGATE.search(cursor):
                # directory keys are codes, not numbers: any cursor key may simply match none
                assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], body


QUERY_DOCUMENT_LINKS = "{ documents(first: 5) { edges { node { id downloadUrl } } } }"


async def _download_link(http: httpx.AsyncClient, hub: Hub) -> str:
    status, body = await _post(http, hub, "ocss_staff", QUERY_DOCUMENT_LINKS, {})
    links: list[str | None] = [e["node"]["downloadUrl"] for e in body["data"]["documents"]["edges"]]
    link = next((link for link in links if link), None)
    assert link, f"the seeded hub offers no download link: {body}"
    return link


async def test_hostile_download_parameters_are_4xx(http: httpx.AsyncClient, hub: Hub):
    link = await _download_link(http, hub)
    path, query = link.split("?")
    signature = query.split("signature=")[1]
    headers = hub.headers("ocss_staff", fti=True)
    # the link as issued works: the refusals below are about the values only
    assert (await http.get(link, headers=headers)).status_code == 200
    for expires in ["²", "١٢٣٤٥٦٧٨٩٠", "１２３", "%00", "%ED%A0%80", "9" * 40, "-1"]:
        response = await http.get(
            f"{path}?expires={expires}&signature={signature}", headers=headers
        )
        assert response.status_code == 403, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for document in ["%D9%A1%D9%A2", "%C2%B2", "%00", "%ED%A0%80", "A" * 5000, _raw("Document:²")]:
        response = await http.get(f"/documents/{document}/content?{query}", headers=headers)
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")


MUTATION_UPDATE = """
mutation Update($input: UpdateOffsetCertificationInput!) {
  updateOffsetCertification(input: $input) {
    offsetCertification { arrearsAmount } userErrors { field message code } } }
"""
QUERY_CERTIFICATION = """
{ offsetCertifications(first: 1) { edges { node { id arrearsAmount submittingState { code } } } } }
"""
HOSTILE_MONEY = [
    "1E+400",
    "Infinity",
    "NaN",
    "-0",
    "12.345",
    "99999999999.00",
    "123456789012345678901234567890",
    "١٢٣",
]


async def test_money_beyond_its_column_is_bad_user_input(http: httpx.AsyncClient, hub: Hub):
    # given a certification and a worker of the state that submitted it
    _, body = await _post(http, hub, "ocss_staff", QUERY_CERTIFICATION, {})
    cert = body["data"]["offsetCertifications"]["edges"][0]["node"]
    worker = {"jurisdiction": cert["submittingState"]["code"]}
    headers = hub.headers("state_worker", **worker)
    for amount in HOSTILE_MONEY:
        # when the amount is sent as a variable, and written in the document
        as_variable = {"input": {"id": cert["id"], "arrearsAmount": amount}}
        literal = (
            f'mutation {{ updateOffsetCertification(input: {{id: "{cert["id"]}",'
            f' arrearsAmount: "{amount}"}}) {{ userErrors {{ code }} }} }}'
        )
        for payload in (
            {"query": MUTATION_UPDATE, "variables": as_variable},
            {"query": literal},
        ):
            response = await http.post("/graphql", json=payload, headers=headers)
            # then it is refused with BAD_USER_INPUT, without the amount in the message
            body = response.json()
            assert response.status_code < 500, body
            codes = [e["extensions"]["code"] for e in body["errors"]]
            assert codes == ["BAD_USER_INPUT"], (amount, body)
            assert amount not in body["errors"][0]["message"]
    # and nothing changed
    _, body = await _post(http, hub, "ocss_staff", QUERY_CERTIFICATION, {})
    assert body["data"]["offsetCertifications"]["edges"][0]["node"] == cert


MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { field message code } } }
"""
REPORT = {
    "employeeSsn": SSN,
    "employeeFirstName": "Pat",
    "employeeLastName": "Doe",
    "neverEmployed": True,
}
ADDRESS = {"line1": "1 Main St", "city": "Sacramento", "state": "CA", "zip": "95814"}
LONG_REPORTS: list[tuple[dict[str, Any], list[str]]] = [
    ({"employeeFirstName": "P" * 41}, ["input", "employeeFirstName"]),
    ({"employeeLastName": "D" * 5000}, ["input", "employeeLastName"]),
    ({"newEmployerName": "N" * 81}, ["input", "newEmployerName"]),
    ({"employeeSsn": SSN + "\n"}, ["input", "employeeSsn"]),
    ({"employeeSsn": "٩٠٠-١٢-٣٤٥٦"}, ["input", "employeeSsn"]),
    ({"employeeLastName": "Do\x00e"}, ["input", "employeeLastName"]),
    ({"lastKnownAddress": {**ADDRESS, "line1": "1" * 61}}, ["input", "lastKnownAddress", "line1"]),
    ({"lastKnownAddress": {**ADDRESS, "line2": "2" * 61}}, ["input", "lastKnownAddress", "line2"]),
    ({"lastKnownAddress": {**ADDRESS, "city": "C" * 41}}, ["input", "lastKnownAddress", "city"]),
    (
        {"lastKnownAddress": {**ADDRESS, "zip": "95814-1234\n"}},
        ["input", "lastKnownAddress", "zip"],
    ),
    ({"lastKnownAddress": {**ADDRESS, "zip": "٩٥٨١٤"}}, ["input", "lastKnownAddress", "zip"]),
    (
        {"lastKnownAddress": {**ADDRESS, "state": "CA" * 100}},
        ["input", "lastKnownAddress", "state"],
    ),
]
QUERY_NOTICE_COUNT = "{ terminationNotices { totalCount } }"
QUERY_REFUSED_WRITES = '{ auditEvents(resource: "TerminationNotice", first: 100) { totalCount } }'


async def _count(http: httpx.AsyncClient, hub: Hub, role: str, query: str) -> int:
    _, body = await _post(http, hub, role, query, {})
    (connection,) = body["data"].values()
    count: int = connection["totalCount"]
    return count


async def test_report_texts_beyond_their_columns_are_user_errors(http: httpx.AsyncClient, hub: Hub):
    notices = await _count(http, hub, "ocss_staff", QUERY_NOTICE_COUNT)
    events = await _count(http, hub, "auditor", QUERY_REFUSED_WRITES)
    for change, field in LONG_REPORTS:
        # when an employer reports with one text too long or holding a control character
        status, body = await _post(
            http, hub, "employer", MUTATION_REPORT, {"input": {**REPORT, **change}}
        )
        # then the payload names the input path, with BAD_USER_INPUT, and records nothing
        payload = body["data"]["reportTermination"]
        assert payload["notice"] is None, body
        assert payload["userErrors"] == [
            {
                "field": field,
                "message": payload["userErrors"][0]["message"],
                "code": "BAD_USER_INPUT",
            }
        ], body
        _assert_safe(status, body, str(next(iter(change.values())))[:30])
    assert await _count(http, hub, "ocss_staff", QUERY_NOTICE_COUNT) == notices
    # and each refusal is an audit event of its own
    assert await _count(http, hub, "auditor", QUERY_REFUSED_WRITES) == events + len(LONG_REPORTS)


MUTATION_SEND = """
mutation Send($input: SendDocumentInput!) {
  sendDocument(input: $input) { document { id } userErrors { field message code } } }
"""
MUTATION_REQUEST = """
mutation Request($input: RequestDocumentInput!) {
  requestDocument(input: $input) { document { id } userErrors { field message code } } }
"""
DOCUMENT = {"recipient": "36", "formType": "GENERAL_TESTIMONY", "title": "Testimony"}
LONG_DOCUMENTS: list[tuple[dict[str, str], str]] = [
    ({"title": "T" * 201}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"formType": "F" * 41}, "formType"),
    ({"recipient": "٣٦"}, "recipient"),
    ({"recipient": "3" * 9}, "recipient"),
]


@pytest.mark.parametrize("mutation", [MUTATION_SEND, MUTATION_REQUEST], ids=["send", "request"])
@pytest.mark.parametrize("role", ["state_worker", "tribal_worker"])
async def test_document_texts_beyond_their_columns_are_user_errors(
    http: httpx.AsyncClient, hub: Hub, mutation: str, role: str
):
    content = {"contentBase64": base64.b64encode(b"hello").decode()}
    extra = content if mutation is MUTATION_SEND else {}
    for change, field in LONG_DOCUMENTS:
        variables = {"input": {**DOCUMENT, **extra, **change}}
        status, body = await _post(http, hub, role, mutation, variables)
        (payload,) = body["data"].values()
        assert payload["document"] is None, body
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", field], "BAD_USER_INPUT")
        ], body
        _assert_safe(status, body, next(iter(change.values())))


QUERY_WRITES_SINCE = """
query($since: DateTime) { auditEvents(resource: "MisidentifiedSsn", since: $since, first: 50) {
  edges { node { action recordId } } } }
"""
MUTATION_ADD = """
mutation Add($input: MisidentifiedSsnInput!) {
  addMisidentifiedSsn(input: $input) { misidentifiedSsn { ssn } userErrors { field code } } }
"""


async def test_misidentified_ssn_must_be_ascii_and_fit(http: httpx.AsyncClient, hub: Hub):
    _, body = await _post(
        http, hub, "ocss_staff", "{ participants(first: 1) { edges { node { id } } } }", {}
    )
    participant = body["data"]["participants"]["edges"][0]["node"]["id"]
    started = datetime.now(UTC).isoformat()
    ssns = [SSN + "\n", "٩٠٠-١٢-٣٤٥٦", SSN + "0" * 5000, "900-12-345\x00"]
    for ssn in ssns:
        variables = {"input": {"participantId": participant, "ssn": ssn}}
        status, body = await _post(http, hub, "state_worker", MUTATION_ADD, variables)
        payload = body["data"]["addMisidentifiedSsn"]
        assert payload["misidentifiedSsn"] is None
        assert payload["userErrors"] == [{"field": ["input", "ssn"], "code": "BAD_USER_INPUT"}]
        _assert_safe(status, body, ssn)
    # each refusal is audited, naming the participant the input targeted
    _, body = await _post(http, hub, "auditor", QUERY_WRITES_SINCE, {"since": started})
    events = [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]
    assert events == [{"action": "write", "recordId": participant}] * len(ssns), body


QUERY_ARGUMENTS = [
    ("query($v: String) { participants(lastName: $v) { totalCount } }", ("ocss_staff", "analyst")),
    ("query($v: String) { participants(ssn: $v) { totalCount } }", ("state_worker",)),
    ("query($v: String) { cases(state: $v) { totalCount } }", ("state_worker", "analyst")),
    ("query($v: String) { employers(name: $v) { totalCount } }", ("employer", "ocss_staff")),
    ("query($v: String!) { employer(fein: $v) { name } }", ("employer", "state_worker")),
    ("query($v: String!) { directoryEntry(code: $v) { name } }", ("auditor",)),
    ("query($v: String) { directory(name: $v) { totalCount } }", ("analyst",)),
    ("query($v: String) { auditEvents(subject: $v) { totalCount } }", ("auditor",)),
    ("query($v: String) { auditEvents(resource: $v) { totalCount } }", ("auditor",)),
]
HOSTILE_TEXTS = ["\x00", "Do\x00e", "Z" * 300, "١٢-١٢٣٤٥٦٧"]


@pytest.mark.parametrize(("query", "roles"), QUERY_ARGUMENTS, ids=range(len(QUERY_ARGUMENTS)))
async def test_query_text_arguments_are_checked_before_any_database(
    http: httpx.AsyncClient, hub: Hub, query: str, roles: tuple[str, ...]
):
    for role in roles:
        for text in HOSTILE_TEXTS:
            status, body = await _post(http, hub, role, query, {"v": text})
            errors = _assert_safe(status, body, text)
            codes = [e["extensions"]["code"] for e in errors]
            if text != "١٢-١٢٣٤٥٦٧":  # non-ASCII is refused only where codes are compared
                assert codes in (["BAD_USER_INPUT"], ["FORBIDDEN"]), (text, body)


SUBSCRIPTION = """
subscription Notices($after: ID) { terminationNotices(after: $after) { id } }
"""


async def _subscribe_errors(
    live_hub: str, hub: Hub, role: str, query: str, variables: dict[str, Any] | None
) -> list[dict[str, Any]]:
    async with subscriber(live_hub) as socket:
        ack = await socket.init(hub.token(role, **CLAIMS[role]))
        assert ack["type"] == "connection_ack", ack
        await socket.subscribe(query, variables)
        message = await socket.receive()
    assert message["type"] in ("error", "next"), message
    payload = message["payload"]
    errors: list[dict[str, Any]] = payload if message["type"] == "error" else payload["errors"]
    assert errors, message
    return errors


WS_CASES: list[tuple[dict[str, Any], str]] = [
    *(({"after": value}, "BAD_USER_INPUT") for value in HOSTILE_IDS[:13]),
    ({"after": "A" * 20_000}, "BAD_USER_INPUT"),
    ({"after": {"ssn": SSN}}, "BAD_USER_INPUT"),
    ({"after": [SSN]}, "BAD_USER_INPUT"),
]


@pytest.mark.parametrize("role", ["state_worker", "ocss_staff"])
async def test_websocket_gets_the_same_codes(live_hub: str, hub: Hub, role: str):
    for variables, code in WS_CASES:
        errors = await _subscribe_errors(live_hub, hub, role, SUBSCRIPTION, variables)
        assert [e["extensions"]["code"] for e in errors] == [code], (variables, errors)
        assert SSN not in _text(errors)
        sent = variables["after"]
        if isinstance(sent, str):
            assert sent not in _text(errors)
    literal = "subscription { terminationNotices(after: 900123456.5) { id } }"
    errors = await _subscribe_errors(live_hub, hub, role, literal, None)
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "900123456" not in _text(errors)


PRODUCTION_SECRET = "input-tests-production-secret-" + "q" * 64
MISSPELT = [
    ("query($s: CaseStatus) { cases(status: $s) { totalCount } }", {"s": "OPN"}),
    (MUTATION_UPDATE, {"input": {"id": "x", "arrearsAmont": "1.00"}}),
    (MUTATION_REPORT, {"input": {**REPORT, "employeeLastNam": "Doe"}}),
    ("{ cases(status: OPN) { totalCount } }", {}),
    ("{ viewer { rol } }", {}),
]


async def test_production_suggests_nothing_over_http(
    hub: Hub, tmp_path_factory: pytest.TempPathFactory
):
    # given the hub served in production mode on the seeded databases
    settings = load_settings(
        {
            "HUB_ENV": "production",
            "HUB_TOKEN_SECRET": PRODUCTION_SECRET,
            "HUB_DATA_DIR": str(tmp_path_factory.mktemp("production-inputs")),
        }
    )
    settings = dataclasses.replace(settings, database_urls=hub.settings.database_urls)
    token = issue_token(settings.token, role="state_worker", jurisdiction="06")
    headers = {"Authorization": f"Bearer {token}"}
    with serving(settings) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for query, variables in MISSPELT:
                # when a misspelt enum value, input field or field is sent
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
                # then the answer is coded and suggests no name of the schema
                body = response.json()
                assert response.status_code < 500, body
                assert body["errors"], body
                for error in body["errors"]:
                    assert "Did you mean" not in error["message"], error
                    assert error["extensions"]["code"] in (
                        "BAD_USER_INPUT",
                        "GRAPHQL_VALIDATION_FAILED",
                    )


@pytest.mark.parametrize(
    ("query", "role"),
    [
        ("query($v: DateTime) { auditEvents(since: $v) { totalCount } }", "auditor"),
        ("query($v: DateTime) { terminationNotices(since: $v) { totalCount } }", "ocss_staff"),
        ("query($v: Date) { participants(dateOfBirth: $v) { totalCount } }", "ocss_staff"),
    ],
)
async def test_times_out_of_range_are_bad_user_input(
    http: httpx.AsyncClient, hub: Hub, query: str, role: str
):
    for value in ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "٢٠٢٤-٠١-٠١", SSN]:
        status, body = await _post(http, hub, role, query, {"v": value})
        errors = _assert_safe(status, body, value)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], body


FUZZ_TEXTS = [
    "",
    "\x00",
    "١٢٣",
    "²",
    "A" * 300,
    SSN + "\n",
    _raw("Participant:²"),
    _raw("Case:9999999999"),
    "'; DROP TABLE participants; --",
    "9999-12-31T23:59:59-14:00",
    "1E+400",
    "NaN",
]
FUZZ_INTS = [0, -1, 2**31 - 1, -(2**31), 101]


def _fuzz_values(type_: GraphQLInputType) -> list[Any]:
    """Hostile values of an input type; for an input object, one hostile field at a time."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLInputObjectType):
        choices = {name: _fuzz_values(f.type) for name, f in named.fields.items()}
        base = {name: values[2 % len(values)] for name, values in choices.items()}
        return [{**base, name: value} for name, values in choices.items() for value in values[:8]]
    if isinstance(named, GraphQLEnumType):
        return [next(iter(named.values))]
    if named.name == "Int":
        return list(FUZZ_INTS)
    return [True] if named.name == "Boolean" else list(FUZZ_TEXTS)


def _fuzz_cases() -> list[tuple[str, GraphQLInputType]]:
    """(document, argument type) for every argument of every root query and mutation field."""
    cases = []
    for kind in ("Query", "Mutation"):
        root = SCHEMA._schema.type_map[kind]
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            returned = get_named_type(field.type)
            selection = "{ __typename }" if isinstance(returned, GraphQLObjectType) else ""
            for name, argument in field.args.items():
                operation = "mutation" if kind == "Mutation" else "query"
                document = (
                    f"{operation}($v: {argument.type}) {{ {field_name}({name}: $v) {selection} }}"
                )
                cases.append((document, argument.type))
    return cases


async def test_every_root_argument_takes_hostile_values_as_every_role(
    http: httpx.AsyncClient, hub: Hub
):
    # given every argument of every root field and hostile values of its type, sent as every
    # role for the first value and as each role in turn for the rest (the suite's time)
    tried, roles = 0, list(CLAIMS)
    for document, argument_type in _fuzz_cases():
        for index, value in enumerate(_fuzz_values(argument_type)):
            for role in roles if index == 0 else [roles[index % len(roles)]]:
                # when it is sent
                status, body = await _post(http, hub, role, document, {"v": value})
                tried += 1
                # then the answer is a client's error (or data), never the hub's
                assert status < 500, (document, value, body)
                assert "INTERNAL_SERVER_ERROR" not in _text(body), (document, value, body)
                assert SSN not in _text(body), (document, value, body)
    assert tried > 500


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_download_route_answers_other_methods_with_a_code(
    http: httpx.AsyncClient, hub: Hub, method: str
):
    link = await _download_link(http, hub)
    response = await http.request(method, link, headers=hub.headers("ocss_staff", fti=True))
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
