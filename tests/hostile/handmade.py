"""Hand-made hostile requests: the shapes issue 8 names, over HTTP and over WebSocket."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.hostile.bodies import deep_variables
from tests.hostile.documents import GraphQLRequest, strings_in
from tests.hostile.probes import HttpProbe, http_probe
from tests.hostile.values import SYNTHETIC_SSN, cursor, global_id

WORKER = "state_worker 06 fti"
"""The viewer most hand-made requests are sent as (it may read and write the most)."""
EMPLOYER = "employer"
SIXTY_FOUR_KIB = 64 * 1024


def fragment_fan_out(levels: int = 20) -> str:
    """Fragments each spreading the next twice: 2**levels spreads from a small document."""
    fragments = [f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Viewer {{ role subject }}")
    return "query FanOut { viewer { ...F0 } }\n" + "\n".join(fragments)


def nested_fan_out(levels: int = 20) -> str:
    """Fan-out through nested selections: each fragment spreads the next twice one level down."""
    fragments = [
        f"fragment P{i} on Participant {{ cases {{ case {{ participants {{ participant "
        f"{{ ...P{i + 1} ...P{i + 1} }} }} }} }} }}"
        for i in range(levels)
    ]
    fragments.append(f"fragment P{levels} on Participant {{ id }}")
    return (
        "query NestedFanOut { participants(first: 100) { edges { node { ...P0 } } } }\n"
        + "\n".join(fragments)
    )


def repeated_fields(count: int, name: str = "role") -> str:
    return "{ viewer { " + " ".join([name] * count) + " } }"


def deep_selection(depth: int) -> str:
    return "{ viewer " + "{ role " * depth + "}" * depth + " }"


def deep_list_literal(depth: int) -> str:
    return "{ directory(name: " + "[" * depth + '"x"' + "]" * depth + ") { totalCount } }"


def many_aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(count)) + " }"


CERTIFICATION = global_id("OffsetCertification", "1")
RELEASE = (
    f'mutation Write {{ releasePassport(id: "{CERTIFICATION}", emergency: true) '
    "{ userErrors { code } } }"
)
TWO_OPERATIONS = "query Read { viewer { role } }\n" + RELEASE
UNKNOWN_INPUT_FIELD = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { userErrors { field message code } }
}
"""
SSN_PATHS = {
    "participants": "{ participants(first: 50) { edges { node { ssn "
    "misidentifiedSsns { ssn } } } } }",
    "cases": "{ cases(first: 30) { edges { node { participants { participant { ssn "
    "misidentifiedSsns { ssn } } } } } } }",
    "certifications": "{ offsetCertifications(first: 50) { edges { node { participant "
    "{ ssn } } } } }",
    "notices": "{ terminationNotices(first: 50) { edges { node { participant { ssn } } } } }",
}
"""Every path to an SSN: a viewer sees in full only its own participants' (access.md)."""
AUDIT_TRAIL = (
    "{ auditEvents(first: 200) { edges { node { resource recordId purpose operation } } } }"
)
LONG_TEXT = "Ω" * 100_000
REPORT_LONG_TEXT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { field message code } }
}
"""
UPDATE_MONEY = """
mutation Update($input: UpdateOffsetCertificationInput!) {
  updateOffsetCertification(input: $input) { userErrors { field message code } }
}
"""
SEND_DOCUMENT = """
mutation Send($input: SendDocumentInput!) {
  sendDocument(input: $input) { userErrors { field message code } }
}
"""


def _request(
    query: str, variables: dict[str, object] | None = None, name: str | None = None
) -> GraphQLRequest:
    carried = strings_in(variables) + ([name] if name else [])
    return GraphQLRequest(query, variables, name, carried)


def _address(line1: str) -> dict[str, object]:
    return {"line1": line1, "city": "Sacramento", "state": "CA", "zip": "95814"}


def _report(**extra: object) -> dict[str, object]:
    return {
        "input": {
            "employeeSsn": SYNTHETIC_SSN,
            "employeeFirstName": "Hostile",
            "employeeLastName": "Harness",
            "terminatedOn": "2026-11-01",
            **extra,
        }
    }


def misspelt() -> list[tuple[str, GraphQLRequest]]:
    """(viewer, request) of misspellings a development hub answers with "Did you mean"."""
    return [
        (viewer, request)
        for viewer in ("analyst", WORKER, EMPLOYER)
        for request in (
            _request("{ viewer { subjet } }"),
            _request("{ cases(stat: OPEN) { totalCount } }"),
            _request("{ cases(status: OPN) { totalCount } }"),
            _request("query($s: CaseStatus) { cases(status: $s) { totalCount } }", {"s": "OPN"}),
            _request("query($s: CaseStatu) { cases(status: $s) { totalCount } }"),
            _request(UNKNOWN_INPUT_FIELD, _report(employeSsn=SYNTHETIC_SSN)),
            _request('{ __typ(name: "Participant") { name } }'),
        )
    ]


def http_shapes() -> list[tuple[str, HttpProbe]]:
    """(name, probe) of every hand-made HTTP request."""
    graphql = [
        ("fragment fan-out, 20 levels", WORKER, _request(fragment_fan_out())),
        ("nested fragment fan-out, 20 levels", WORKER, _request(nested_fan_out())),
        ("10,000 repeated fields", WORKER, _request(repeated_fields(10_000))),
        ("3,000 repeated fields", WORKER, _request(repeated_fields(3_000))),
        ("1,990 repeated fields (under 2,000 tokens)", WORKER, _request(repeated_fields(1_990))),
        (
            "1,990 repeated fields in a fragment spread 40 times",
            WORKER,
            _request(
                "{ viewer { "
                + "...R " * 40
                + "} }\nfragment R on Viewer { "
                + "role " * 1_900
                + "}"
            ),
        ),
        (
            "3,000 repeated fields with arguments",
            WORKER,
            _request(
                "{ "
                + " ".join(f'directory(name: "n{i % 7}") {{ totalCount }}' for i in range(1500))
                + " }"
            ),
        ),
        ("1,000 aliases", WORKER, _request(many_aliases(1_000))),
        ("300 aliases (under 2,000 tokens)", WORKER, _request(many_aliases(300))),
        (
            "64 KiB+ document (comment)",
            WORKER,
            _request("{ viewer { role } }\n#" + "c" * SIXTY_FOUR_KIB),
        ),
        (
            "64 KiB+ document (string argument)",
            WORKER,
            _request('{ directory(name: "%s") { totalCount } }' % ("d" * SIXTY_FOUR_KIB)),
        ),
        ("selection nested 3,000 deep", WORKER, _request(deep_selection(3_000))),
        ("list literal nested 3,000 deep", WORKER, _request(deep_list_literal(3_000))),
        ("two operations without operationName", WORKER, _request(TWO_OPERATIONS)),
        (
            "unknown operationName carrying an SSN",
            WORKER,
            _request(TWO_OPERATIONS, name=SYNTHETIC_SSN),
        ),
        (
            "unknown input field carrying an SSN",
            EMPLOYER,
            _request(
                UNKNOWN_INPUT_FIELD,
                _report(employeeSsnCopy=SYNTHETIC_SSN, dateOfBirth="1977-04-16"),
            ),
        ),
        (
            "enum value misspelt in variables",
            WORKER,
            _request("query($s: CaseStatus) { cases(status: $s) { totalCount } }", {"s": "OPENED"}),
        ),
        (
            "address of 100,000 characters",
            EMPLOYER,
            _request(REPORT_LONG_TEXT, _report(lastKnownAddress=_address(LONG_TEXT))),
        ),
        (
            "names of 100,000 characters",
            EMPLOYER,
            _request(
                REPORT_LONG_TEXT, _report(employeeFirstName=LONG_TEXT, newEmployerName=LONG_TEXT)
            ),
        ),
        (
            "money 1E+400",
            WORKER,
            _request(
                UPDATE_MONEY,
                {"input": {"id": global_id("OffsetCertification", "1"), "arrearsAmount": "1E+400"}},
            ),
        ),
        (
            "money Infinity",
            WORKER,
            _request(
                UPDATE_MONEY,
                {
                    "input": {
                        "id": global_id("OffsetCertification", "1"),
                        "arrearsAmount": "Infinity",
                    }
                },
            ),
        ),
        (
            "money as a float literal 1E+400",
            WORKER,
            _request(
                f'mutation {{ updateOffsetCertification(input: {{id: "{CERTIFICATION}", '
                "arrearsAmount: 1E+400}) { userErrors { code } } }"
            ),
        ),
        (
            "document title of 100,000 characters",
            WORKER,
            _request(
                SEND_DOCUMENT,
                {
                    "input": {
                        "recipient": "36",
                        "formType": "GENERAL_TESTIMONY",
                        "title": LONG_TEXT,
                        "contentBase64": "aGVsbG8=",
                        "containsFti": False,
                    }
                },
            ),
        ),
        (
            "id with non-ASCII digits",
            WORKER,
            _request(f'{{ participant(id: "{global_id("Participant", "²")}") {{ id }} }}'),
        ),
        (
            "id with Arabic-Indic digits",
            WORKER,
            _request(f'{{ case(id: "{global_id("Case", "١٢")}") {{ id }} }}'),
        ),
        (
            "cursor with non-ASCII digits",
            WORKER,
            _request(
                f'{{ participants(after: "{cursor("participants", "²")}") {{ totalCount }} }}'
            ),
        ),
        ("first: huge", WORKER, _request("{ cases(first: 2147483647) { totalCount } }")),
        ("first: negative", WORKER, _request("{ cases(first: -5) { totalCount } }")),
        (
            "Int beyond 32 bits",
            WORKER,
            _request("{ cases(first: 99999999999999999999) { totalCount } }"),
        ),
        ("subscription over HTTP", WORKER, _request("subscription { terminationNotices { id } }")),
        (
            "introspection, deep",
            "analyst",
            _request(
                "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } "
                "} }"
            ),
        ),
    ]
    graphql += [
        (f"SSNs through {path} as {viewer}", viewer, _request(query))
        for viewer in ("analyst", "state_worker 36", "tribal_worker T0001", "employer")
        for path, query in SSN_PATHS.items()
    ]
    graphql.append(("the audit trail as auditor", "auditor", _request(AUDIT_TRAIL)))
    probes = [(name, http_probe(viewer, request)) for name, viewer, request in graphql]
    probes.append(
        (
            "variables nested 10,000 deep",
            HttpProbe(WORKER, deep_variables(10_000), carried=(SYNTHETIC_SSN,)),
        )
    )
    probes.append(("GET with a mutation", http_probe(WORKER, _request(RELEASE), get=True)))
    probes.append(
        (
            "GET with a 60,000-character query (httpx sends no longer URL)",
            HttpProbe(
                WORKER,
                method="GET",
                params=(("query", "{ viewer { role } }#" + "g" * 60_000),),
            ),
        )
    )
    probes.append(
        (
            "GET with variables nested 3,000 deep (the URL's limit)",
            HttpProbe(
                WORKER,
                method="GET",
                params=(
                    ("query", "query($a: String) { viewer { role } }"),
                    ("variables", '{"a":' * 3_000 + "1" + "}" * 3_000),
                ),
            ),
        )
    )
    probes.append(
        (
            "batch of 1,000 operations",
            HttpProbe(WORKER, json.dumps([{"query": "{ viewer { role } }"}] * 1000).encode()),
        )
    )
    probes.append(
        (
            "Authorization header of 64 KiB",
            HttpProbe(
                "no token",
                b'{"query": "{ viewer { role } }"}',
                headers=(("authorization", "Bearer " + "x" * SIXTY_FOUR_KIB),),
            ),
        )
    )
    probes.append(
        (
            "200 extra headers of 1 KiB",
            HttpProbe(
                WORKER,
                b'{"query": "{ viewer { role } }"}',
                headers=tuple((f"x-h{i}", "v" * 1024) for i in range(200)),
            ),
        )
    )
    probes.append(
        (
            "Authorization not Bearer",
            HttpProbe(
                "no token",
                b'{"query": "{ viewer { role } }"}',
                headers=(("authorization", "Basic " + SYNTHETIC_SSN),),
                carried=(SYNTHETIC_SSN,),
            ),
        )
    )
    probes.append(
        (
            "download link with non-ASCII digits",
            HttpProbe(
                WORKER,
                method="GET",
                path=f"/documents/{global_id('Document', '1')}/content",
                params=(("expires", "١٧٩٩٩٩٩٩٩٩"), ("signature", "²" * 43)),
            ),
        )
    )
    probes.append(
        (
            "download link of a non-id",
            HttpProbe(
                WORKER,
                method="GET",
                path="/documents/%C2%B2%00/content",
                params=(("expires", "1" * 40),),
            ),
        )
    )
    return probes


@dataclass(frozen=True)
class WsScenario:
    """Frames sent on a fresh socket; `init` first sends connection_init as `viewer`."""

    name: str
    viewer: str
    frames: tuple[str | bytes, ...]
    init: bool = True
    answer_expected: bool = True
    """Whether the hub must react (a message or a close) within 2 s of the last frame."""


def _subscribe(ident: str, query: str, **payload: object) -> str:
    return json.dumps({"id": ident, "type": "subscribe", "payload": {"query": query, **payload}})


NOTICES = "subscription { terminationNotices { id employeeName } }"


def ws_scenarios() -> list[WsScenario]:
    deep_frame = (
        '{"type": "subscribe", "id": "d", "payload": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    return [
        WsScenario(
            "binary frame",
            WORKER,
            (b'{"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { role } }"}}',),
        ),
        WsScenario("text frame not JSON", WORKER, ("this is not json " + SYNTHETIC_SSN,)),
        WsScenario("JSON frame nested 100,000 deep", WORKER, (deep_frame,)),
        WsScenario("JSON frame of the wrong type", WORKER, ('["subscribe"]',)),
        WsScenario("unknown message type", WORKER, ('{"type": "gimme", "id": "1"}',)),
        WsScenario(
            "subscribe with a syntax error",
            WORKER,
            (
                _subscribe(
                    "1", f'subscription {{ terminationNotices(after: "{SYNTHETIC_SSN}") {{ id '
                ),
            ),
        ),
        WsScenario(
            "subscribe with a validation error",
            WORKER,
            (_subscribe("1", "subscription { terminationNotices { notAField } }"),),
        ),
        WsScenario(
            "subscribe with variables nested 10,000 deep",
            WORKER,
            (
                '{"id": "1", "type": "subscribe", "payload": {"query": '
                + json.dumps(NOTICES)
                + ', "variables": '
                + ('{"a":' * 10_000 + "1" + "}" * 10_000)
                + "}}",
            ),
        ),
        WsScenario(
            "subscribe with a payload not an object",
            WORKER,
            ('{"id": "1", "type": "subscribe", "payload": "x"}',),
        ),
        WsScenario(
            "subscribe without an id",
            WORKER,
            ('{"type": "subscribe", "payload": {"query": "{ viewer { role } }"}}',),
        ),
        WsScenario(
            "subscribe with an id of 100 KB",
            WORKER,
            (_subscribe("i" * 100_000, "{ viewer { role } }"),),
        ),
        WsScenario(
            "subscribe before connection_init", WORKER, (_subscribe("1", NOTICES),), init=False
        ),
        WsScenario(
            "connection_init twice",
            WORKER,
            (json.dumps({"type": "connection_init", "payload": {}}),),
        ),
        WsScenario(
            "duplicate subscription ids",
            WORKER,
            (_subscribe("same", NOTICES), _subscribe("same", NOTICES)),
        ),
        WsScenario(
            "flood of 500 subscribes",
            WORKER,
            tuple(_subscribe(f"f{i}", NOTICES) for i in range(500)),
            answer_expected=False,
        ),
        WsScenario(
            "flood of 300 queries",
            WORKER,
            tuple(_subscribe(f"q{i}", "{ viewer { role } }") for i in range(300)),
        ),
        WsScenario(
            "fragment fan-out over WebSocket", WORKER, (_subscribe("1", fragment_fan_out()),)
        ),
        WsScenario(
            "10,000 repeated fields over WebSocket",
            WORKER,
            (_subscribe("1", repeated_fields(10_000)),),
        ),
        WsScenario(
            "two operations without operationName over WebSocket",
            WORKER,
            (_subscribe("1", TWO_OPERATIONS),),
        ),
        WsScenario(
            "subscribe with extensions nested 10,000 deep",
            WORKER,
            (
                '{"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { role } }", '
                '"extensions": ' + "[" * 10_000 + "]" * 10_000 + "}}",
            ),
        ),
        WsScenario(
            "unknown input field carrying an SSN over WebSocket",
            WORKER,
            (
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": UNKNOWN_INPUT_FIELD,
                            "variables": _report(employeeSsnCopy=SYNTHETIC_SSN),
                        },
                    }
                ),
            ),
        ),
        WsScenario(
            "mutation over WebSocket with 1E+400",
            WORKER,
            (
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": UPDATE_MONEY,
                            "variables": {
                                "input": {
                                    "id": global_id("OffsetCertification", "1"),
                                    "arrearsAmount": "1E+400",
                                }
                            },
                        },
                    }
                ),
            ),
        ),
    ]
