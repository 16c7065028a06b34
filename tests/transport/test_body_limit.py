"""`transport.body_limit.BodySizeLimit` in process: 413 before an oversized body is parsed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from transport.body_limit import BodySizeLimit
from transport.error_body import error_body

LIMIT = 16
REFUSAL = error_body(f"request body over {LIMIT} bytes", "BAD_USER_INPUT")


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that reads the whole body and answers its length."""
    body = await Request(scope, receive).body()
    await Response(str(len(body)))(scope, receive, send)


def _client() -> httpx.AsyncClient:
    app = BodySizeLimit(_echo, max_bytes=LIMIT)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_body_within_the_limit_reaches_the_app():
    async with _client() as client:
        response = await client.post("/", content=b"x" * LIMIT)
    assert (response.status_code, response.text) == (200, str(LIMIT))


async def test_a_declared_length_over_the_limit_is_refused_unread():
    async with _client() as client:
        response = await client.post("/", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.content == REFUSAL
    assert response.headers["content-type"] == "application/json"


async def test_a_length_that_is_no_number_is_refused():
    async with _client() as client:
        response = await client.post("/", content=b"{}", headers={"Content-Length": "-1"})
    assert (response.status_code, response.content) == (413, REFUSAL)


async def test_a_streamed_body_is_refused_when_it_grows_past_the_limit():
    # no Content-Length: the body is counted as the app reads it
    async with _client() as client:
        response = await client.post("/", content=_chunks(b"x" * 10, b"x" * 10))
    assert (response.status_code, response.content) == (413, REFUSAL)


async def test_a_streamed_body_within_the_limit_reaches_the_app():
    async with _client() as client:
        response = await client.post("/", content=_chunks(b"x" * 8, b"x" * 8))
    assert (response.status_code, response.text) == (200, str(LIMIT))
