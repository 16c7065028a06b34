"""Hostile-ish variants of the contract's queries, for the differential of the two paths.

The same reads as the access contract's rows, written the ways a client may write them:
aliases, named and inline fragments, `@skip` / `@include` driven by variables,
`__typename`, a choice among several operations; and asked the ways a client may get
wrong: variables missing or of the wrong type, ids of no record or of another type, page
arguments out of range, cursors of another list, a field refused inside a list, a
refused non-null field that nulls its parent. Each is sent as several roles.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from tests.conftest import Hub
from tests.plans.documents import (
    ALIASED,
    CASE_BY_ID,
    CASE_DOCUMENTS_OF_PARTICIPANTS,
    CERTIFICATION_LIST,
    DEFAULTS,
    DIRECTED,
    DOCUMENTS_IN_LISTS,
    FRAGMENTS,
    MERGED,
    MERGED_SELECTIONS,
    NODE,
    NODE_KINDS,
    NON_NULL_REFUSED,
    ONE,
    PAGED,
    QUICK_LAST,
    REFUSED_IN_LISTS,
    SEARCH,
    SYNTAX_ERROR,
    THREE_RECORDS,
    TWO_OPERATIONS,
    TYPENAMES,
    UNDECLARED,
    UNKNOWN_FIELD,
    WITH_A_MUTATION,
    WRONG_FRAGMENT,
)
from tests.plans.paths import Request, new_subject
from tests.policy.test_access_contract import (
    CASE,
    CERT_OWN,
    FVI,
    OCSS_FTI,
    ORGANISATION,
    OTHER,
    OTHER_STATE_WORKER,
    OWN,
    SECOND_HOLDER,
    STATE_WORKER,
    STATE_WORKER_FTI,
    TRIBAL_WORKER,
    find,
)

ROLES: dict[str, tuple[str, Mapping[str, object]]] = {
    "state_worker-06": ("state_worker", STATE_WORKER),
    "state_worker-06-fti": ("state_worker", STATE_WORKER_FTI),
    "analyst": ("analyst", {}),
    "ocss_staff-fti": ("ocss_staff", OCSS_FTI),
    "employer": ("employer", ORGANISATION),
    "state_worker-48": ("state_worker", SECOND_HOLDER),
    "tribal_worker": ("tribal_worker", TRIBAL_WORKER),
    "state_worker-36": ("state_worker", OTHER_STATE_WORKER),
}
CASEWORKERS = ("state_worker-06", "analyst", "ocss_staff-fti", "employer")
"""The roles each variant is asked as, unless it names its own."""
ERROR_ROLES = ("state_worker-06", "employer")
"""The roles a request refused before execution is asked as (the role changes nothing)."""


@dataclass(frozen=True)
class Variant:
    name: str
    query: str
    variables: Mapping[str, object] = field(default_factory=dict)
    operation_name: str | None = None
    roles: tuple[str, ...] = CASEWORKERS
    headers: Mapping[str, str] = field(default_factory=dict)
    get: bool = False
    """Sent as a GET with the query in the URL (else a POST with a JSON body)."""
    content: bytes | None = None
    """Sent as these bytes (the variant's headers give their type), not `query` and the rest."""
    extra: Mapping[str, object] = field(default_factory=dict)
    """More members of the JSON body (`extensions`, or `variables` replaced)."""


def _global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


async def _cursor(http: httpx.AsyncClient, hub: Hub, list_name: str) -> str:
    """The end cursor of the first two items of a list, as ocss_staff reads it."""
    query = f"{{ {list_name}(first: 2) {{ pageInfo {{ endCursor }} }} }}"
    headers = hub.headers("ocss_staff", **OCSS_FTI)
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    cursor: str = response.json()["data"][list_name]["pageInfo"]["endCursor"]
    return cursor


def _shapes(own: str, other: str, fvi: str) -> list[Variant]:
    """The same reads written differently."""
    return [
        Variant("aliases-own", ALIASED, {"id": own}, roles=(*CASEWORKERS, "state_worker-48")),
        Variant("aliases-other", ALIASED, {"id": other}),
        Variant("fragments-own", FRAGMENTS, {"id": own}),
        Variant("fragments-fvi", FRAGMENTS, {"id": fvi}, roles=(*CASEWORKERS, "state_worker-48")),
        Variant("directives-locate", DIRECTED, {"id": own, "withLocate": True}),
        Variant("directives-no-locate", DIRECTED, {"id": own, "withLocate": False}),
        Variant(
            "directives-skip-dob", DIRECTED, {"id": other, "withLocate": True, "skipDob": True}
        ),
        Variant("directives-fvi", DIRECTED, {"id": fvi, "withLocate": True}),
        Variant("typenames", TYPENAMES, {"id": own}),
        Variant("merged-fields", MERGED, {"id": own}),
        Variant("unused-variables", ONE, {"id": own, "extra": [1, {"x": None}]}),
        Variant("operation-name-null", ONE, {"id": other}, operation_name=None),
        Variant("operation-first", TWO_OPERATIONS, {"id": other}, operation_name="First"),
        Variant("operation-second", TWO_OPERATIONS, operation_name="Second"),
        Variant("operation-unnamed", TWO_OPERATIONS, {"id": own}),
        Variant("operation-unknown", TWO_OPERATIONS, operation_name="Third"),
        Variant("get", ONE, {"id": own}, get=True),
        Variant("purpose", ONE, {"id": own}, headers={"X-Hub-Purpose": "diff-case-review"}),
    ]


def _combinations(own: str, other: str, fvi: str, case: str, certification: str) -> list[Variant]:
    """Several records, selections merged, defaults, and a document with a mutation in it."""
    refused_writers = ("analyst", "employer", "state_worker-36")
    three = {"own": own, "other": other, "fvi": fvi}
    kinds = {"a": own, "b": case, "c": certification}
    return [
        Variant("three-records", THREE_RECORDS, three, roles=(*CASEWORKERS, "state_worker-48")),
        Variant("merged-selections", MERGED_SELECTIONS, {"id": own, "skip": False}),
        Variant("merged-selections-skipped", MERGED_SELECTIONS, {"id": fvi, "skip": True}),
        Variant("node-kinds", NODE_KINDS, kinds, roles=(*CASEWORKERS, "state_worker-36")),
        Variant("defaults", DEFAULTS),
        Variant("defaults-given", DEFAULTS, {"first": 1, "dob": None}),
        Variant("document-with-a-mutation-read", WITH_A_MUTATION, {"id": case}, "Read"),
        Variant(
            "document-with-a-mutation-refused",
            WITH_A_MUTATION,
            {"id": certification},
            "Release",
            roles=refused_writers,
        ),
    ]


def _mistakes(own: str, case: str, certification: str, ssn: str, dob: str) -> list[Variant]:
    """Variables and ids a client gets wrong."""
    graphql_response = {"Accept": "application/graphql-response+json"}
    return [
        Variant("variables-missing", ONE, roles=ERROR_ROLES),
        Variant("variables-missing-strict-media", ONE, headers=graphql_response, roles=ERROR_ROLES),
        Variant("variable-int-id", ONE, {"id": 7}),
        Variant("variable-list-id", ONE, {"id": [own]}, roles=ERROR_ROLES),
        Variant("variable-object-id", ONE, {"id": {"id": own}}, roles=ERROR_ROLES),
        Variant(
            "variable-string-boolean", DIRECTED, {"id": own, "withLocate": "yes"}, roles=ERROR_ROLES
        ),
        Variant(
            "variable-null-non-null", DIRECTED, {"id": own, "withLocate": None}, roles=ERROR_ROLES
        ),
        Variant("id-unknown", ONE, {"id": _global_id("Participant", 999_999)}),
        Variant("id-of-a-case", ONE, {"id": case}),
        Variant("id-of-a-certification-to-case", CASE_BY_ID, {"id": certification}),
        Variant("id-not-base64", ONE, {"id": "!!not-an-id!!"}),
        Variant("id-key-too-big", ONE, {"id": _global_id("Participant", 2**40)}),
        Variant("node-unknown", NODE, {"id": _global_id("Participant", 999_998)}),
        Variant("node-of-unknown-type", NODE, {"id": _global_id("Nothing", 1)}),
        Variant("syntax-error", SYNTAX_ERROR, {"id": own}, roles=ERROR_ROLES),
        Variant("unknown-field", UNKNOWN_FIELD, {"id": own}, roles=ERROR_ROLES),
        Variant(
            "unknown-field-strict-media",
            UNKNOWN_FIELD,
            {"id": own},
            headers=graphql_response,
            roles=ERROR_ROLES,
        ),
        Variant("fragment-on-wrong-type", WRONG_FRAGMENT, {"id": own}, roles=ERROR_ROLES),
        Variant("search-ssn", SEARCH, {"ssn": ssn}),
        Variant("search-ssn-digits", SEARCH, {"ssn": ssn.replace("-", "")}),
        Variant("search-ssn-as-int", SEARCH, {"ssn": int(ssn.replace("-", ""))}),
        Variant("search-dob", SEARCH, {"dob": dob}),
        Variant("search-dob-not-a-date", SEARCH, {"dob": dob.replace("-", "/")}),
        Variant("search-dob-out-of-range", SEARCH, {"dob": dob[:5] + "13-45"}),
        Variant("search-dob-as-int", SEARCH, {"dob": int(dob.replace("-", ""))}),
        Variant("undeclared-variable", UNDECLARED, {"id": own}, roles=ERROR_ROLES),
    ]


def _bodies_and_media(own: str) -> list[Variant]:
    """The same query in request bodies and with Accept headers the plans must take alike."""
    one = json.dumps({"query": ONE, "variables": {"id": own}}).encode()
    twice = b'{"query": "{ viewer { role } }", "variables": {"id": "%s"}, "query": %s}' % (
        own.encode(),
        json.dumps(ONE).encode(),
    )
    return [
        Variant("charset", ONE, headers=_typed("application/json; charset=utf-8"), content=one),
        Variant("content-type-upper", ONE, headers=_typed("Application/JSON"), content=one),
        Variant(
            "content-type-text", ONE, headers=_typed("text/plain"), content=one, roles=ERROR_ROLES
        ),
        Variant("query-key-twice", ONE, headers=_typed("application/json"), content=twice),
        Variant(
            "not-json", ONE, headers=_typed("application/json"), content=one[:-1], roles=ERROR_ROLES
        ),
        Variant(
            "batch",
            ONE,
            headers=_typed("application/json"),
            content=b"[%s, %s]" % (one, one),
            roles=ERROR_ROLES,
        ),
        Variant("variables-null", NON_NULL_REFUSED, extra={"variables": None}),
        Variant("variables-not-an-object", ONE, extra={"variables": [own]}, roles=ERROR_ROLES),
        Variant("extensions-empty", ONE, {"id": own}, extra={"extensions": {}}),
        Variant(
            "operation-name-not-a-string",
            ONE,
            {"id": own},
            extra={"operationName": 1},
            roles=ERROR_ROLES,
        ),
        *(
            Variant(f"accept-{name}", ONE, {"id": own}, headers={"Accept": accept})
            for name, accept in (
                ("graphql-response", "application/graphql-response+json"),
                ("json-preferred", "application/graphql-response+json;q=0.5, application/json"),
                ("any", "*/*"),
                ("html", "text/html"),
            )
        ),
        Variant(
            "accept-graphql-response-refused-root",
            NON_NULL_REFUSED,
            headers={"Accept": "application/graphql-response+json"},
            roles=("employer", "analyst"),
        ),
    ]


def _typed(content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type}


def _pages(cursor: str, foreign_cursor: str, case: str) -> list[Variant]:
    """Page arguments in and out of range."""
    return [
        Variant(f"first-{first}", PAGED, {"first": first})
        for first in (0, 1, 100, 101, -1, 2**31 - 1)
    ] + [
        Variant("first-not-an-int", PAGED, {"first": "ten"}),
        Variant("after-a-cursor", PAGED, {"first": 3, "after": cursor}),
        Variant("after-a-cases-cursor", PAGED, {"first": 3, "after": foreign_cursor}),
        Variant("after-garbage", PAGED, {"first": 3, "after": "garbage=="}),
        *(
            Variant(f"last-{last}", QUICK_LAST, {"id": case, "last": last}, roles=_QUICK_ROLES)
            for last in (0, 2, -1, 10_000)
        ),
    ]


_QUICK_ROLES = ("state_worker-06", "analyst", "ocss_staff-fti")


def _refusals_in_lists() -> list[Variant]:
    """A field refused inside a list, and a refused non-null field nulling its parent."""
    roles = ("state_worker-06", "state_worker-48", "tribal_worker", "analyst", "ocss_staff-fti")
    return [
        Variant("refused-in-case-lists", REFUSED_IN_LISTS, roles=roles),
        Variant("refused-in-certification-list", CERTIFICATION_LIST, roles=roles),
        Variant("refused-non-null", NON_NULL_REFUSED, roles=("employer", "analyst")),
        Variant("filtered-in-case-lists", DOCUMENTS_IN_LISTS, roles=roles),
        Variant("nested-lists-or-too-complex", CASE_DOCUMENTS_OF_PARTICIPANTS, roles=roles),
    ]


async def variants(http: httpx.AsyncClient, hub: Hub) -> list[Variant]:
    """Every variant, over the records the contract's finders pick in the seeded data."""
    own_found = (await find(http, hub, OWN)).variables
    own, ssn, dob = own_found["id"], own_found["ssn"], own_found["dob"]
    other = (await find(http, hub, OTHER)).variables["id"]
    fvi = (await find(http, hub, FVI)).variables["id"]
    case = (await find(http, hub, CASE)).variables["id"]
    certification = (await find(http, hub, CERT_OWN)).variables["id"]
    assert all(isinstance(i, str) for i in (own, other, fvi, case, certification, ssn, dob))
    cursor = await _cursor(http, hub, "participants")
    foreign = await _cursor(http, hub, "cases")
    return [
        *_shapes(str(own), str(other), str(fvi)),
        *_combinations(str(own), str(other), str(fvi), str(case), str(certification)),
        *_mistakes(str(own), str(case), str(certification), str(ssn), str(dob)),
        *_bodies_and_media(str(own)),
        *_pages(cursor, foreign, str(case)),
        *_refusals_in_lists(),
    ]


def _request(hub: Hub, variant: Variant, role_name: str) -> Request:
    role, claims = ROLES[role_name]
    name = f"{variant.name} as {role_name}"
    subject = new_subject(name)
    headers = {**hub.headers(role, subject=subject, **claims), **variant.headers}
    if variant.get:
        params = {"query": variant.query, "variables": json.dumps(dict(variant.variables))}
        return Request(name, subject, headers, params=params)
    if variant.content is not None:
        return Request(name, subject, headers, content=variant.content)
    body: dict[str, object] = {"query": variant.query, "variables": dict(variant.variables)}
    if variant.operation_name:
        body["operationName"] = variant.operation_name
    return Request(name, subject, headers, {**body, **variant.extra})


async def variant_requests(hub: Hub, http: httpx.AsyncClient) -> list[Request]:
    """One request per variant and role."""
    return [
        _request(hub, variant, role)
        for variant in await variants(http, hub)
        for role in variant.roles
    ]
