"""`transport.error_body`: the one JSON error body, the same bytes whichever way it is sent."""

from __future__ import annotations

import json

import orjson
import pytest
from starlette.types import Message

from transport.error_body import BEARER_CHALLENGE, error_body, error_response, send_error

MESSAGE = "request body over 10 bytes"


def test_the_body_is_a_graphql_error_with_its_code():
    assert json.loads(error_body(MESSAGE, "BAD_USER_INPUT")) == {
        "errors": [{"message": MESSAGE, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


def test_the_body_is_compact_json_with_the_code_first():
    # the exact bytes clients have had: no spaces, message then extensions, code first
    assert error_body("no", "FORBIDDEN", {"field": "role"}) == (
        b'{"errors":[{"message":"no","extensions":{"code":"FORBIDDEN","field":"role"}}]}'
    )


def test_the_body_is_what_json_response_wrote_for_any_text():
    # starlette's JSONResponse (what the routes used before) writes compact, unescaped UTF-8
    message = 'quote " backslash \\ tab \t é 日本'
    expected = json.dumps(
        {"errors": [{"message": message, "extensions": {"code": "NOT_FOUND"}}]},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    assert error_body(message, "NOT_FOUND") == expected
    assert orjson.loads(expected) == orjson.loads(error_body(message, "NOT_FOUND"))


def test_a_response_carries_status_headers_and_media_type():
    response = error_response(
        405,
        "Mutations are sent with POST, not GET.",
        "BAD_USER_INPUT",
        headers={"Allow": "POST"},
        media_type="application/graphql-response+json",
    )
    assert response.status_code == 405
    assert response.body == error_body("Mutations are sent with POST, not GET.", "BAD_USER_INPUT")
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert response.headers["content-length"] == str(len(response.body))


def test_a_response_is_application_json_by_default():
    response = error_response(500, "internal server error", "INTERNAL_SERVER_ERROR")
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("status", [400, 401, 413])
async def test_send_error_writes_the_same_body_on_a_raw_send(status: int):
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    challenge = [(b"www-authenticate", BEARER_CHALLENGE.encode())]
    await send_error(send, status, "no bearer token", "UNAUTHENTICATED", headers=challenge)
    start, body = sent
    expected = error_body("no bearer token", "UNAUTHENTICATED")
    assert start == {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(expected)).encode()),
            (b"www-authenticate", b'Bearer realm="child-support-hub"'),
        ],
    }
    assert body == {"type": "http.response.body", "body": expected}
