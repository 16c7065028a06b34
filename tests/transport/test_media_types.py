"""GraphQL over HTTP media types: graphql-response+json request errors are 400 without data."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Hub
from tests.transport.contract import codes
from transport.media_types import APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, response_media_type

REQUEST_ERRORS = {
    "parse failure": ({"query": "{ viewer { role "}, "GRAPHQL_PARSE_FAILED"),
    "validation failure": ({"query": "{ viewer { nothingHere } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "variable coercion failure": (
        {"query": "query($n: Int!) { cases(first: $n) { totalCount } }", "variables": {"n": "x"}},
        "BAD_USER_INPUT",
    ),
    "two operations, no name": (
        {"query": "query A { viewer { role } } query B { viewer { role } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
}


@pytest.mark.parametrize(
    ("request_body", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys()
)
async def test_request_error_accepting_graphql_response_json_is_400_without_data(
    http: httpx.AsyncClient, hub: Hub, request_body: dict[str, object], code: str
):
    response = await http.post(
        "/graphql",
        json=request_body,
        headers={**hub.headers("analyst"), "Accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    body = response.json()
    assert "data" not in body
    assert codes(body["errors"]) == [code]


@pytest.mark.parametrize(
    ("request_body", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys()
)
async def test_request_error_accepting_application_json_stays_200_with_null_data(
    http: httpx.AsyncClient, hub: Hub, request_body: dict[str, object], code: str
):
    response = await http.post(
        "/graphql",
        json=request_body,
        headers={**hub.headers("analyst"), "Accept": APPLICATION_JSON},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == APPLICATION_JSON
    body = response.json()
    assert body["data"] is None
    assert codes(body["errors"]) == [code]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, None])
async def test_a_good_answer_is_200_in_the_accepted_type(
    http: httpx.AsyncClient, hub: Hub, accept: str | None
):
    headers = hub.headers("analyst") | ({"Accept": accept} if accept else {})
    response = await http.post("/graphql", json={"query": "{ viewer { role } }"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == (accept or APPLICATION_JSON)
    assert response.json() == {"data": {"viewer": {"role": "analyst"}}}


async def test_a_field_error_is_not_a_request_error(http: httpx.AsyncClient, hub: Hub):
    # a denied field is an execution error: 200 with data, also under graphql-response+json
    response = await http.post(
        "/graphql",
        json={"query": '{ viewer { role } case(id: "Q2FzZTox") { id } }'},
        headers={**hub.headers("employer", fein="90-0000001"), "Accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"viewer": {"role": "employer"}, "case": None}
    assert codes(body["errors"]) == ["FORBIDDEN"]


async def test_a_malformed_body_answers_in_the_accepted_type(http: httpx.AsyncClient, hub: Hub):
    response = await http.post(
        "/graphql",
        content=b"{not json",
        headers={
            **hub.headers("analyst"),
            "Content-Type": "application/json",
            "Accept": GRAPHQL_RESPONSE_JSON,
        },
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert codes(response.json()["errors"]) == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, APPLICATION_JSON),
        ("", APPLICATION_JSON),
        ("*/*", APPLICATION_JSON),
        ("text/html", APPLICATION_JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, {APPLICATION_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{APPLICATION_JSON}, {GRAPHQL_RESPONSE_JSON};q=0.9", APPLICATION_JSON),
        (f"{APPLICATION_JSON};q=0.5, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", APPLICATION_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=nonsense", APPLICATION_JSON),
    ],
)
def test_response_media_type_follows_accept_and_quality(accept: str | None, chosen: str):
    assert response_media_type(accept) == chosen
