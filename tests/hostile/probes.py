"""Sending one hostile request to a running hub and checking its answer.

An `HttpProbe` is one HTTP request; a `WsProbe` one `subscribe` on a graphql-transport-ws
socket kept open per viewer (`SocketPool`). Both are sent synchronously from the test
thread to a hub served in another thread or process, and come back as violations.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.hostile.documents import GraphQLRequest
from tests.hostile.invariants import (
    ANSWER_SECONDS,
    FULL_SSN,
    Kind,
    Sent,
    Violation,
    check_close,
    check_http,
    check_ws_message,
)
from tests.services.graphql_ws import PROTOCOL, ws_url

WAIT_SECONDS = 5.0
"""How long a probe waits for an answer (answers over ANSWER_SECONDS are violations)."""
MAX_URL_CHARS = 60_000
"""httpx refuses longer URLs; a longer GET goes as a POST (percent-encoding triples a byte)."""
SUBSCRIPTION_QUIET_SECONDS = 0.1
"""How long a live subscription may stay quiet before the probe completes it."""


class NoAck(Exception):
    """The hub answered a viewer's connection_init with something else than an ack."""


@dataclass(frozen=True, repr=False)
class HttpProbe:
    viewer: str
    body: bytes = b""
    content_type: str = "application/json"
    method: str = "POST"
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    carried: tuple[str, ...] = ()
    path: str = "/graphql"

    def __repr__(self) -> str:
        return self.describe()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.describe())  # hypothesis prints examples with this

    def describe(self) -> str:
        shown = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
        parts = [f"HTTP {self.method} {self.path} as {self.viewer}"]
        if self.params:
            parts.append(f"params={_clip(dict(self.params))}")
        if self.body:
            parts.append(f"{self.content_type!r} {len(self.body)} bytes: {shown!r}")
        if self.headers:
            size = sum(len(name) + len(value) for name, value in self.headers)
            parts.append(
                f"{len(self.headers)} extra headers, {size} bytes: {_clip(dict(self.headers), 120)}"
            )
        return " ".join(parts)


@dataclass(frozen=True, repr=False)
class WsProbe:
    viewer: str
    request: GraphQLRequest

    @property
    def carried(self) -> tuple[str, ...]:
        return tuple(self.request.carried)

    def __repr__(self) -> str:
        return self.describe()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.describe())  # hypothesis prints examples with this

    def describe(self) -> str:
        return f"WS subscribe as {self.viewer}: {_clip(self.request.body())}"


Probe = HttpProbe | WsProbe


def _clip(value: object, limit: int = 400) -> str:
    text = json.dumps(value, ensure_ascii=True, default=repr)
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def http_probe(
    viewer: str, request: GraphQLRequest, *, get: bool = False, ascii_only: bool = True
) -> HttpProbe:
    """The request as a POST body (strings escaped, or raw UTF-8 with surrogates) or a GET."""
    carried = tuple(request.carried)
    if get and len(json.dumps(request.body())) < MAX_URL_CHARS // 3:
        params = [("query", request.query)]
        if request.variables is not None:
            params.append(("variables", json.dumps(request.variables)))
        if request.operation_name is not None:
            params.append(("operationName", request.operation_name))
        return HttpProbe(viewer, method="GET", params=tuple(params), carried=carried)
    text = json.dumps(request.body(), ensure_ascii=ascii_only)
    return HttpProbe(viewer, text.encode("utf-8", "surrogatepass"), carried=carried)


@dataclass
class HttpSender:
    """Sends HttpProbes with each viewer's Authorization header."""

    client: httpx.Client
    authorization: dict[str, str | None]
    full_ssns: dict[str, frozenset[str] | None]
    production: bool = False
    ssn_answers: int = 0
    """Answers that held a full SSN (allowed or not): the SSN check had something to judge."""

    def send(self, probe: HttpProbe) -> list[Violation]:
        headers = {"content-type": probe.content_type} if probe.method == "POST" else {}
        auth = self.authorization[probe.viewer]
        if auth is not None:
            headers["authorization"] = auth
        headers.update(dict(probe.headers))
        sent = Sent(probe.carried, self.full_ssns[probe.viewer], self.production)
        started = time.monotonic()
        try:
            response = self.client.request(
                probe.method,
                probe.path,
                content=probe.body if probe.method == "POST" else None,
                params=list(probe.params) or None,
                headers=headers,
                timeout=WAIT_SECONDS,
            )
        except httpx.HTTPError as error:
            return [
                Violation(
                    Kind.NO_ANSWER,
                    f"{type(error).__name__} after {time.monotonic() - started:.1f} s",
                )
            ]
        seconds = time.monotonic() - started
        self.ssn_answers += bool(FULL_SSN.search(response.text))
        return check_http(response.status_code, seconds, response.text, sent)

    def alive(self) -> bool:
        """The hub answers `{ viewer { role } }` with 200 within 2 s."""
        started = time.monotonic()
        try:
            response = self.client.post(
                "/graphql",
                json={"query": "{ viewer { role } }"},
                headers={"authorization": next(a for a in self.authorization.values() if a)},
                timeout=WAIT_SECONDS,
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and time.monotonic() - started <= ANSWER_SECONDS


@dataclass
class SocketPool:
    """One initialised graphql-transport-ws socket per viewer, reopened after a close."""

    base_url: str
    authorization: dict[str, str | None]
    full_ssns: dict[str, frozenset[str] | None]
    production: bool = False
    sockets: dict[str, ClientConnection] = field(default_factory=dict)
    stacks: dict[str, ExitStack] = field(default_factory=dict)
    ids: count[int] = field(default_factory=count)

    def _socket(self, viewer: str) -> ClientConnection:
        socket = self.sockets.get(viewer)
        if socket is None:
            stack = self.stacks[viewer] = ExitStack()
            url = ws_url(self.base_url)
            socket = stack.enter_context(
                connect(url, subprotocols=[PROTOCOL], open_timeout=WAIT_SECONDS, ping_interval=None)  # type: ignore[list-item]
            )
            payload = {"authorization": self.authorization[viewer]}
            socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = socket.recv(timeout=WAIT_SECONDS)
            if '"connection_ack"' not in str(ack):
                stack.close()
                raise NoAck(f"no connection_ack but {str(ack)[:200]}")
            self.sockets[viewer] = socket
        return socket

    def send(self, probe: WsProbe) -> list[Violation]:
        sent = Sent(probe.carried, self.full_ssns[probe.viewer], self.production)
        try:
            socket = self._socket(probe.viewer)
        except (OSError, InvalidHandshake, InvalidStatus, TimeoutError, ConnectionClosed) as error:
            self._drop(probe.viewer)
            return [Violation(Kind.NO_ANSWER, f"socket not opened: {type(error).__name__}")]
        except NoAck as error:
            self._drop(probe.viewer)
            return [Violation(Kind.NO_ANSWER, str(error))]
        ident = f"h{next(self.ids)}"
        message = {"id": ident, "type": "subscribe", "payload": probe.request.body()}
        started = time.monotonic()
        try:
            socket.send(json.dumps(message))  # ASCII: lone surrogates travel escaped
            return self._answers(socket, ident, sent, started, probe.request.query)
        except ConnectionClosed as closed:
            self._drop(probe.viewer)
            code = closed.rcvd.code if closed.rcvd else None
            return check_close(code, closed.rcvd.reason if closed.rcvd else "", sent)

    def _answers(
        self, socket: ClientConnection, ident: str, sent: Sent, started: float, query: str
    ) -> list[Violation]:
        problems: list[Violation] = []
        live = query.lstrip().startswith("subscription")
        while True:
            quiet = SUBSCRIPTION_QUIET_SECONDS if live else WAIT_SECONDS
            try:
                frame = socket.recv(timeout=quiet)
            except TimeoutError:
                if live:
                    socket.send(json.dumps({"id": ident, "type": "complete"}))
                    return problems
                return [*problems, Violation(Kind.NO_ANSWER, f"nothing within {quiet:.0f} s")]
            problems.extend(check_ws_message(frame, sent))
            if isinstance(frame, bytes):
                frame = frame.decode("utf-8", "replace")
            try:
                parsed = json.loads(frame)
            except ValueError:
                continue  # already a violation (NOT_JSON)
            if not isinstance(parsed, dict):
                continue
            if parsed.get("type") == "ping":
                socket.send(json.dumps({"type": "pong"}))
                continue
            if parsed.get("id") != ident:
                continue
            if parsed.get("type") in ("complete", "error"):
                if time.monotonic() - started > ANSWER_SECONDS:
                    problems.append(Violation(Kind.SLOW, f"{time.monotonic() - started:.2f} s"))
                return problems
            if live and parsed.get("type") == "next":
                socket.send(json.dumps({"id": ident, "type": "complete"}))
                return problems

    def _drop(self, viewer: str) -> None:
        self.sockets.pop(viewer, None)
        stack = self.stacks.pop(viewer, None)
        if stack is not None:
            stack.close()

    def close(self) -> None:
        for viewer in list(self.stacks):
            self._drop(viewer)
