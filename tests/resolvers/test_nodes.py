"""`node(id:)` resolves every Node type of the served schema, TerminationNotice included.

Through real HTTP, each node type by the id its list gave; in process (strawberry's
`execute` with a context) on a seeded SQLite hub of this module's own (a termination
notice is reported here, so the shared hub stays as seeded), TerminationNotice, and an id
that names nothing, refused exactly as a record unrelated to the viewer is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType

from app import build_sources
from datasources.engines import build_engines, dispose_engines
from policy.enforcer import POLICY_PATH, PolicyDecider
from policy.gate import Gate
from policy.tokens import verify_token
from resolvers.context import Context, build_context
from resolvers.ids import encode_global_id
from resolvers.nodes import NODE_TYPES
from schema import schema as hub_schema
from tests.assertions import nonempty
from tests.conftest import Hub, seeded_sqlite_hub
from tests.resolvers.queries import post
from tests.services.client_tls import CLIENT_TLS

ContextFor = Callable[..., Awaitable[Context]]
EMPLOYER_FEIN = "90-0000001"
# one id of each Node type, as the lists that hold them answer it
FIRST_IDS = """
{ participants(first: 1) { edges { node { id } } }
  cases(first: 1) { edges { node { id } } }
  employers(first: 1) { edges { node { id } } }
  offsetCertifications(first: 1) { edges { node { id } } }
  documents(first: 1) { edges { node { id } } }
  directory(first: 1) { edges { node { id } } }
  terminationNotices(first: 1) { edges { node { id } } } }
"""
LIST_OF = {
    "Participant": "participants",
    "Case": "cases",
    "Employer": "employers",
    "OffsetCertification": "offsetCertifications",
    "Document": "documents",
    "DirectoryEntry": "directory",
    "TerminationNotice": "terminationNotices",
}
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
REPORT = """
mutation($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { code } } }
"""


@pytest.fixture(scope="module")
def nodes_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_sqlite_hub(tmp_path_factory) as hub:
        yield hub


@pytest.fixture
async def context_for(nodes_hub: Hub) -> AsyncIterator[ContextFor]:
    settings = nodes_hub.settings
    engines = build_engines(settings.database_urls)
    async with httpx.AsyncClient(verify=CLIENT_TLS) as state_client:
        sources = build_sources(settings, engines, state_client)
        gate = Gate(PolicyDecider(policy_path=settings.policy_file or POLICY_PATH))

        async def build(role: str, **claims: object) -> Context:
            viewer = verify_token(nodes_hub.token(role, **claims), settings.token)
            return build_context(None, viewer, sources=sources, settings=settings, gate=gate)

        yield build
    await dispose_engines(engines)


async def _run(context: Context, query: str, **variables: Any) -> Any:
    return await hub_schema.execute(query, variable_values=variables, context_value=context)


async def _reported_notice(context_for: ContextFor) -> str:
    """A notice that matched no participant (so it notified no jurisdiction)."""
    report = {
        "employeeSsn": "999-00-0001",
        "employeeFirstName": "Nobody",
        "employeeLastName": "Unmatched",
        "terminatedOn": "2026-11-02",
    }
    result = await _run(await context_for("employer", fein=EMPLOYER_FEIN), REPORT, input=report)
    assert result.errors is None, result.errors
    payload = result.data["reportTermination"]
    assert payload["userErrors"] == []
    notice_id: str = payload["notice"]["id"]
    return notice_id


def test_every_node_type_of_the_served_schema_is_found_by_node():
    served = {
        name
        for name, graphql_type in hub_schema._schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType)
        and any(interface.name == "Node" for interface in graphql_type.interfaces)
    }
    assert served == NODE_TYPES
    assert served == set(LIST_OF)


async def test_node_answers_each_type_by_the_id_its_list_gives(context_for: ContextFor):
    await _reported_notice(context_for)
    ocss = await context_for("ocss_staff", fti=True)
    listed = await _run(ocss, FIRST_IDS)
    assert listed.errors is None, listed.errors
    for type_name, list_name in LIST_OF.items():
        edges = listed.data[list_name]["edges"]
        assert edges, f"the hub holds a {type_name}"
        node_id = edges[0]["node"]["id"]
        found = await _run(await context_for("ocss_staff", fti=True), NODE, id=node_id)
        assert found.errors is None, (type_name, found.errors)
        assert found.data["node"] == {"__typename": type_name, "id": node_id}


async def test_a_termination_notice_by_node_for_its_reporter_with_its_fields(
    context_for: ContextFor,
):
    notice_id = await _reported_notice(context_for)
    query = """query($id: ID!) { node(id: $id) { __typename id
      ... on TerminationNotice { employeeName states { code } employer { fein } } } }"""
    result = await _run(await context_for("employer", fein=EMPLOYER_FEIN), query, id=notice_id)
    assert result.errors is None, result.errors
    assert result.data["node"] == {
        "__typename": "TerminationNotice",
        "id": notice_id,
        "employeeName": "Nobody Unmatched",
        "states": [],
        "employer": {"fein": EMPLOYER_FEIN},
    }


async def test_an_unrelated_notice_and_a_missing_one_are_refused_alike(context_for: ContextFor):
    notice_id = await _reported_notice(context_for)
    missing = encode_global_id("TerminationNotice", 10**9)
    answers = []
    for node_id in (notice_id, missing):
        viewer = await context_for("state_worker", jurisdiction="06")
        result = await _run(viewer, NODE, id=node_id)
        assert result.data == {"node": None}
        assert result.errors is not None
        (error,) = result.errors
        answers.append((error.path, error.message, error.extensions))
    assert answers[0] == answers[1]
    assert answers[0][2] == {"code": "NOT_FOUND"}


@pytest.mark.parametrize("type_name", sorted(NODE_TYPES - {"DirectoryEntry"}))
async def test_a_missing_node_of_each_type_answers_as_its_unrelated_record_would(
    context_for: ContextFor, type_name: str
):
    # an analyst sees no record of some types and every record of others: either way the
    # missing id's answer is the refusal (or null) an unrelated record of that type gets
    result = await _run(await context_for("analyst"), NODE, id=encode_global_id(type_name, 10**9))
    assert result.data == {"node": None}
    codes = [error.extensions["code"] for error in result.errors or []]
    assert codes in ([], ["FORBIDDEN"], ["NOT_FOUND"], ["FTI_RESTRICTED"])


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
    for edge in nonempty((await post(http, headers, query))[root]["edges"], root):
        found = await post(
            http,
            headers,
            "query($id: ID!) { node(id: $id) { id __typename } }",
            id=edge["node"]["id"],
        )
        assert found["node"] == edge["node"]
