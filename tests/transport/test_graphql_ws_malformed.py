"""Malformed graphql-transport-ws frames over a real WebSocket: 4400, or an error with a code.

A frame that is not a protocol message closes the socket with 4400, as the protocol
and its reference server do, with a reason that repeats nothing the client sent; an
operation that cannot run answers an `error` message whose every entry has a contract
code; and no frame leaves a traceback, or the SSN of a query, in the log.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import Hub
from tests.log_capture import ssn_findings
from tests.services.graphql_ws import Subscriber, subscriber
from tests.transport.conftest import LogWindow
from tests.transport.contract import codes
from transport.graphql_ws import HubTransportWsHandler

DEEP = 5000
SSN = "912-34-5678"
VIEWER = "{ viewer { role } }"


def _subscribe(payload: object, operation_id: object = "1") -> str:
    return json.dumps({"id": operation_id, "type": "subscribe", "payload": payload})


NOT_MESSAGES = {
    "not JSON": "{not json",
    "an array": "[1]",
    "a number": "5",
    "a string": '"subscribe"',
    "null": "null",
    "a subscribe nested deep": (
        '{"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { role } }", '
        '"variables": {"v": ' + "[" * DEEP + "]" * DEEP + "}}}"
    ),
    "no type": json.dumps({"id": "1"}),
    "a type that is a list": json.dumps({"type": ["subscribe"]}),
    "an unknown type": json.dumps({"type": f"ssn {SSN}"}),
    "a payload that is a string": _subscribe("{ viewer { role } }"),
    "no payload": json.dumps({"id": "1", "type": "subscribe"}),
    "an id that is a list": _subscribe({"query": VIEWER}, ["1"]),
    "an empty id": _subscribe({"query": VIEWER}, ""),
    "no id": json.dumps({"type": "subscribe", "payload": {"query": VIEWER}}),
    "a query that is a number": _subscribe({"query": 5}),
    "no query": _subscribe({}),
    "variables that are a string": _subscribe({"query": VIEWER, "variables": SSN}),
    "an operationName that is a number": _subscribe({"query": VIEWER, "operationName": 5}),
    "extensions that are an array": _subscribe({"query": VIEWER, "extensions": [SSN]}),
    "a complete whose id is a list": json.dumps({"type": "complete", "id": [SSN]}),
}


async def _initialised(url: str, hub: Hub, socket: Subscriber) -> None:
    ack = await socket.init(hub.token("ocss_staff", jurisdiction="FED"))
    assert ack == {"type": "connection_ack"}


async def _read_on(socket: Subscriber) -> None:
    while True:
        await socket.receive(10)


async def _close_of(socket: Subscriber) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await _read_on(socket)
    received = closed.value.rcvd
    assert received is not None, "closed without a close frame"
    return received.code, received.reason


@pytest.mark.parametrize("frame", NOT_MESSAGES.values(), ids=NOT_MESSAGES.keys())
async def test_a_frame_that_is_no_protocol_message_closes_with_4400(
    live_hub: str, hub: Hub, frame: str, test_log: LogWindow
):
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        # when the frame is sent
        await socket.socket.send(frame)
        # then the socket closes with 4400 and a reason that echoes nothing sent
        code, reason = await _close_of(socket)
    assert code == 4400
    assert SSN not in reason
    assert "subscribe" not in reason
    assert not ssn_findings(test_log.lines, [SSN])


async def _error_of(socket: Subscriber, payload: dict[str, Any], operation_id: str = "1") -> Any:
    await socket.socket.send(_subscribe(payload, operation_id))
    message = await socket.receive()
    assert message["type"] == "error", message
    assert message["id"] == operation_id
    return message["payload"]


async def test_a_syntax_error_answers_parse_failed_and_logs_nothing_of_the_query(
    live_hub: str, hub: Hub, test_log: LogWindow
):
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        # when a subscribe carries a document with a syntax error and an SSN in it
        query = f'subscription {{ terminationNotices(after: "{SSN}") {{ id '
        errors = await _error_of(socket, {"query": query})
        # then an error message with GRAPHQL_PARSE_FAILED
        assert codes(errors) == ["GRAPHQL_PARSE_FAILED"]
        # and the socket stays usable
        await socket.socket.send(_subscribe({"query": VIEWER}, "2"))
        assert (await socket.receive())["payload"] == {"data": {"viewer": {"role": "ocss_staff"}}}
        assert (await socket.receive()) == {"id": "2", "type": "complete"}
    # and no log line holds the SSN or the query
    assert not ssn_findings(test_log.lines, [SSN])
    assert not [line for line in test_log.lines if "terminationNotices" in line]


OPERATION_ERRORS = {
    "a document nested thousands deep": (
        {"query": "{" + "a{" * 3000 + "a" + "}" * 3001},
        "GRAPHQL_PARSE_FAILED",
    ),
    "a validation failure": ({"query": "{ viewer { nothingHere } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "two operations, no name": (
        {"query": "query A { viewer { role } } query B { viewer { role } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "an unknown operation name": (
        {"query": "query A { viewer { role } }", "operationName": "Ssn_912_34_5678"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "an empty query": ({"query": "", "operationName": SSN}, "BAD_USER_INPUT"),
    "a variable coercion failure": (
        {
            "query": "subscription($a: ID) { terminationNotices(after: $a) { id } }",
            "variables": {"a": {"ssn": SSN}},
        },
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize(
    ("payload", "code"), OPERATION_ERRORS.values(), ids=OPERATION_ERRORS.keys()
)
async def test_an_operation_that_cannot_run_answers_an_error_with_a_code(
    live_hub: str, hub: Hub, payload: dict[str, Any], code: str, test_log: LogWindow
):
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        errors = await _error_of(socket, payload)
    assert codes(errors) == [code]
    assert "912" not in json.dumps(errors)
    assert not ssn_findings(test_log.lines, [SSN])


async def test_the_subscription_limit_answers_rate_limited(live_hub: str, hub: Hub):
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        # given as many open subscriptions as one connection may hold
        for number in range(100):
            query = "subscription { terminationNotices { id } }"
            await socket.socket.send(_subscribe({"query": query}, f"s{number}"))
        # when one more is asked for
        errors = await _error_of(socket, {"query": VIEWER}, "one-too-many")
    # then an error with a contract code
    assert codes(errors) == ["RATE_LIMITED"]


async def test_the_hub_answers_over_websocket_after_every_malformed_frame(live_hub: str, hub: Hub):
    for frame in NOT_MESSAGES.values():
        async with subscriber(live_hub) as socket:
            await _initialised(live_hub, hub, socket)
            await socket.socket.send(frame)
            await _close_of(socket)
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        await socket.socket.send(_subscribe({"query": VIEWER}))
        assert (await socket.receive())["payload"] == {"data": {"viewer": {"role": "ocss_staff"}}}


CONNECTION_INITS = {
    "a payload that is a list": (json.dumps({"type": "connection_init", "payload": [1]}), 4401),
    "an authorization that is a number": (
        json.dumps({"type": "connection_init", "payload": {"authorization": 5}}),
        4401,
    ),
    "a bearer of garbage": (
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {SSN}"}}),
        4401,
    ),
    "a payload nested deep": (
        '{"type": "connection_init", "payload": {"a": ' + "[" * DEEP + "]" * DEEP + "}}",
        4400,
    ),
    "a subscribe before connection_init": (_subscribe({"query": VIEWER}), 4401),
}


@pytest.mark.parametrize(
    ("frame", "close_code"), CONNECTION_INITS.values(), ids=CONNECTION_INITS.keys()
)
async def test_a_malformed_connection_init_closes_the_socket(
    live_hub: str, frame: str, close_code: int, test_log: LogWindow
):
    async with subscriber(live_hub) as socket:
        await socket.socket.send(frame)
        code, reason = await _close_of(socket)
    assert code == close_code
    assert SSN not in reason
    assert not ssn_findings(test_log.lines, [SSN])


async def test_a_bug_in_an_operation_answers_internal_error_and_logs_only_its_type(
    live_hub: str, hub: Hub, monkeypatch: pytest.MonkeyPatch, test_log: LogWindow
):
    # given an operation that fails in a way nobody foresaw, with an SSN in the exception
    async def broken(*_args: object) -> None:
        raise RuntimeError(f"bug while reading {SSN}")

    monkeypatch.setattr(HubTransportWsHandler, "_send_results", broken)
    async with subscriber(live_hub) as socket:
        await _initialised(live_hub, hub, socket)
        # when an operation runs
        errors = await _error_of(socket, {"query": VIEWER})
    # then an error with the contract's code, and only the type in the log
    assert codes(errors) == ["INTERNAL_SERVER_ERROR"]
    assert SSN not in json.dumps(errors)
    assert any("WebSocket operation failed (RuntimeError)" in line for line in test_log.lines)
    assert not ssn_findings(test_log.lines, [SSN])
