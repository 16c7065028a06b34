"""A small graphql-transport-ws client over real WebSockets, for the tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"

SUBSCRIPTION_NOTICES = """
subscription Notices($after: ID) {
  terminationNotices(after: $after) {
    id employeeName neverEmployed terminatedOn states { code }
    employer { fein } participant { id }
  }
}
"""


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/graphql"


class Subscriber:
    """One socket: init with a token, subscribe, and read what arrives."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def init(self, token: str | None, *, seconds: float = 10) -> dict[str, Any]:
        payload = {"authorization": f"Bearer {token}"} if token is not None else {}
        await self.socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        return await self.receive(seconds)

    async def subscribe(
        self, query: str = SUBSCRIPTION_NOTICES, variables: dict[str, Any] | None = None
    ) -> None:
        message = {"id": "1", "type": "subscribe", "payload": {"query": query}}
        if variables:
            message["payload"]["variables"] = variables  # type: ignore[index]
        await self.socket.send(json.dumps(message))

    async def receive(self, seconds: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(seconds):
            while True:
                frame = await self.socket.recv()
                # graphql-transport-ws sends text frames; its clients refuse binary ones
                assert isinstance(frame, str), f"a binary frame: {frame[:80]!r}"
                message: dict[str, Any] = json.loads(frame)
                if message["type"] == "ping":
                    await self.socket.send(json.dumps({"type": "pong"}))
                    continue
                return message

    async def notices(self, count: int, seconds: float = 15) -> list[dict[str, Any]]:
        """The next `count` notices; fails when fewer arrive within `seconds`."""
        received: list[dict[str, Any]] = []
        async with asyncio.timeout(seconds):
            while len(received) < count:
                message = await self.receive(seconds)
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message["payload"]
                received.append(message["payload"]["data"]["terminationNotices"])
        return received

    async def nothing_more(self, wait: float = 1.0) -> bool:
        """True when no message arrives within `wait` seconds."""
        try:
            message = await self.receive(wait)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message: {message}")

    async def closed_with(self, seconds: float = 10) -> int:
        """The close code the server ends the socket with."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.socket.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1
        raise AssertionError("still open")  # pragma: no cover


@asynccontextmanager
async def subscriber(http_url: str) -> AsyncIterator[Subscriber]:
    async with connect(ws_url(http_url), subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        yield Subscriber(socket)
