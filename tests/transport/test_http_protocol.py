"""Requests uvicorn parses itself: big header blocks reach the hub; unparsable heads get a code."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import orjson

from tests.conftest import Hub
from tests.transport.contract import codes


async def test_two_hundred_kib_of_headers_reach_the_hub(http: httpx.AsyncClient, hub: Hub):
    # given 200 extra headers of 1 KiB each (h11 alone stops at 16 KiB)
    extra = {f"x-h{number}": "v" * 1024 for number in range(200)}
    # when a normal query carries them
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={**hub.headers("analyst"), **extra},
    )
    # then it is answered as any other
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"role": "analyst"}}}


async def _raw_exchange(url: str, request: bytes) -> bytes:
    parts = urlsplit(url)
    assert parts.hostname is not None
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


async def test_a_request_head_that_is_not_http_gets_json_with_a_contract_code(live_hub: str):
    # when the request line is not HTTP
    answer = await _raw_exchange(live_hub, b"GARBAGE /graphql NOT-HTTP\r\n\r\n")
    # then a 400 whose body is a GraphQL error with a contract code
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer
    assert b"content-type: application/json" in head.lower()
    assert codes(orjson.loads(body)["errors"]) == ["BAD_USER_INPUT"]
