"""Malformed requests over real HTTP: a 4xx with a contract code, never a 500 or a traceback."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Hub
from tests.transport.contract import codes

VIEWER = "{ viewer { role } }"
DEEP = 5000
"""Far past orjson's 1,024 levels and Python's recursion limit."""


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


MALFORMED_BODIES = {
    "a string": b'"{ viewer { role } }"',
    "a number": b"5",
    "an array": b'[{"query": "{ viewer { role } }"}]',
    "null": b"null",
    "true": b"true",
    "invalid JSON": b"{not json",
    "invalid UTF-8": b'{"query": "{ viewer { role } }", "x": "\xff\xfe"}',
    "variables deep": (
        '{"query": "query($v: String) { viewer { role } }", "variables": {"v": '
        + _nested(DEEP)
        + "}}"
    ).encode(),
    "variables deeper than the limit, within orjson's": (
        '{"query": "query($v: String) { viewer { role } }", "variables": {"v": '
        + _nested(200)
        + "}}"
    ).encode(),
    "extensions deep": (
        '{"query": "{ viewer { role } }", "extensions": {"e": ' + _nested(DEEP) + "}}"
    ).encode(),
    "query deep": ('{"query": ' + _nested(DEEP) + "}").encode(),
    "variables a string": b'{"query": "{ viewer { role } }", "variables": "{}"}',
    "variables an array": b'{"query": "{ viewer { role } }", "variables": [1]}',
    "extensions a string": b'{"query": "{ viewer { role } }", "extensions": "x"}',
    "extensions an array": b'{"query": "{ viewer { role } }", "extensions": [1]}',
    "query a number": b'{"query": 5}',
    "query an array": b'{"query": ["{ viewer { role } }"]}',
    "query an object": b'{"query": {"q": "{ viewer { role } }"}}',
    "operationName a number": b'{"query": "{ viewer { role } }", "operationName": 5}',
    "operationName an object": b'{"query": "{ viewer { role } }", "operationName": {}}',
    "no query": b"{}",
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_malformed_body_is_a_4xx_with_a_contract_code(
    http: httpx.AsyncClient, hub: Hub, body: bytes
):
    # when a request body is not a GraphQL request
    response = await http.post(
        "/graphql",
        content=body,
        headers={**hub.headers("analyst"), "Content-Type": "application/json"},
    )
    # then a 400 with a contract code, and nothing of the body echoed
    assert response.status_code == 400, response.text
    assert codes(response.json()["errors"]) in (["GRAPHQL_PARSE_FAILED"], ["BAD_USER_INPUT"])
    assert "Traceback" not in response.text
    assert "viewer" not in response.text


async def test_a_body_that_is_not_json_by_content_type_is_refused(
    http: httpx.AsyncClient, hub: Hub
):
    response = await http.post(
        "/graphql",
        content=VIEWER.encode(),
        headers={**hub.headers("analyst"), "Content-Type": "text/plain"},
    )
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["GRAPHQL_PARSE_FAILED"]


async def test_deep_variables_within_the_limit_are_coerced_without_recursion(
    http: httpx.AsyncClient, hub: Hub
):
    # given a Money variable 25 lists deep, inside the nesting limit (32 with the body)
    mutation = """mutation($input: UpdateOffsetCertificationInput!) {
      updateOffsetCertification(input: $input) { userErrors { code } } }"""
    amount: object = "1.00"
    for _ in range(25):
        amount = [amount]
    # when it is sent
    response = await http.post(
        "/graphql",
        json={"query": mutation, "variables": {"input": {"id": "x", "arrearsAmount": amount}}},
        headers=hub.headers("state_worker", jurisdiction="06"),
    )
    # then variable coercion refuses it as bad input
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]


async def test_two_operations_without_an_operation_name_are_refused_not_run(
    http: httpx.AsyncClient, hub: Hub
):
    # when a document holds two operations and the request names neither
    document = "query A { viewer { role } } query B { viewer { subject } }"
    response = await http.post("/graphql", json={"query": document}, headers=hub.headers("analyst"))
    # then nothing runs: no data, a validation failure
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    # and naming one runs that one
    named = await http.post(
        "/graphql",
        json={"query": document, "operationName": "B"},
        headers=hub.headers("analyst"),
    )
    assert "errors" not in named.json()
    assert named.json()["data"]["viewer"].keys() == {"subject"}


async def test_an_unknown_operation_name_is_refused_without_echoing_it(
    http: httpx.AsyncClient, hub: Hub
):
    response = await http.post(
        "/graphql",
        json={"query": "query A { viewer { role } }", "operationName": "Ssn_912_34_5678"},
        headers=hub.headers("analyst"),
    )
    body = response.json()
    assert body["data"] is None
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "912" not in response.text


async def test_a_document_without_an_operation_is_refused(http: httpx.AsyncClient, hub: Hub):
    response = await http.post(
        "/graphql",
        json={"query": "fragment F on Query { viewer { role } }"},
        headers=hub.headers("analyst"),
    )
    assert response.json()["data"] is None
    assert codes(response.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_get_with_a_mutation_is_405_with_allow_post(http: httpx.AsyncClient, hub: Hub):
    # when a mutation comes as a GET
    response = await http.get(
        "/graphql",
        params={"query": 'mutation { releasePassport(id: "x") { userErrors { code } } }'},
        headers={**hub.headers("state_worker", jurisdiction="06"), "Accept": "application/json"},
    )
    # then 405, Allow: POST, and a message that says what to do
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
    assert "POST" in response.json()["errors"][0]["message"]


async def test_a_get_with_a_query_still_answers(http: httpx.AsyncClient, hub: Hub):
    response = await http.get(
        "/graphql",
        params={"query": VIEWER},
        headers={**hub.headers("analyst"), "Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"role": "analyst"}}}


async def test_get_variables_that_are_not_an_object_are_refused(http: httpx.AsyncClient, hub: Hub):
    response = await http.get(
        "/graphql",
        params={"query": VIEWER, "variables": "[" * DEEP},
        headers={**hub.headers("analyst"), "Accept": "application/json"},
    )
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["GRAPHQL_PARSE_FAILED"]


async def test_a_subscription_over_http_is_refused_with_a_pointer_to_websocket(
    http: httpx.AsyncClient, hub: Hub
):
    response = await http.post(
        "/graphql",
        json={"query": "subscription { terminationNotices { id } }"},
        headers=hub.headers("ocss_staff", jurisdiction="FED"),
    )
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
    assert "WebSocket" in response.json()["errors"][0]["message"]


async def test_the_hub_answers_after_every_malformed_request(http: httpx.AsyncClient, hub: Hub):
    # given every malformed body sent once more
    for body in MALFORMED_BODIES.values():
        await http.post(
            "/graphql",
            content=body,
            headers={**hub.headers("analyst"), "Content-Type": "application/json"},
        )
    # then a normal query still answers
    response = await http.post("/graphql", json={"query": VIEWER}, headers=hub.headers("analyst"))
    assert response.json() == {"data": {"viewer": {"role": "analyst"}}}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_another_method_is_405_with_a_contract_code(
    http: httpx.AsyncClient, hub: Hub, method: str
):
    response = await http.request(
        method, "/graphql", json={"query": VIEWER}, headers=hub.headers("analyst")
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "document",
    [
        "{" + "a{" * 3000 + "a" + "}" * 3001,
        "{ viewer(x: " + "[" * 3000 + "]" * 3000 + ") { role } }",
        "{ viewer(x: " + "{a:" * 2000 + "1" + "}" * 2000 + ") { role } }",
    ],
    ids=["selections", "list literal", "object literal"],
)
async def test_a_document_nested_thousands_deep_is_a_parse_failure(
    http: httpx.AsyncClient, hub: Hub, document: str
):
    response = await http.post("/graphql", json={"query": document}, headers=hub.headers("analyst"))
    assert response.status_code == 200
    assert codes(response.json()["errors"]) == ["GRAPHQL_PARSE_FAILED"]
