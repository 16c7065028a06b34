"""Running one hand-made WebSocket scenario against a hub and checking all it answers."""

from __future__ import annotations

import json
import time

from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from tests.hostile.handmade import WsScenario
from tests.hostile.invariants import (
    ANSWER_SECONDS,
    Kind,
    Sent,
    Violation,
    check_close,
    check_ws_message,
)
from tests.hostile.values import SYNTHETIC_SSN
from tests.services.graphql_ws import PROTOCOL, ws_url

LISTEN_SECONDS = 2.5
"""How long a scenario listens after its last frame for a first answer or a close."""
QUIET_SECONDS = 0.3
"""How long it goes on listening once answers stop coming."""


def _closed(closed: ConnectionClosed, sent: Sent) -> list[Violation]:
    if closed.rcvd is None:
        return [Violation(Kind.CLOSE_CODE, "closed without a close frame")]
    return check_close(closed.rcvd.code, closed.rcvd.reason, sent)


def _listen(socket: ClientConnection, sent: Sent, answer_expected: bool) -> list[Violation]:
    problems: list[Violation] = []
    started = time.monotonic()
    answered = False
    listen = LISTEN_SECONDS if answer_expected else QUIET_SECONDS * 2
    while (left := listen - (time.monotonic() - started)) > 0:
        try:
            # after a first answer, only as long as more keep coming
            frame = socket.recv(timeout=min(left, QUIET_SECONDS) if answered else left)
        except TimeoutError:
            break
        except ConnectionClosed as closed:
            answered = True
            problems.extend(_closed(closed, sent))
            break
        if not answered and time.monotonic() - started > ANSWER_SECONDS:
            problems.append(
                Violation(Kind.SLOW, f"first answer after {time.monotonic() - started:.1f} s")
            )
        answered = True
        problems.extend(check_ws_message(frame, sent))
        if isinstance(frame, str) and '"ping"' in frame:
            socket.send(json.dumps({"type": "pong"}))
    if answer_expected and not answered:
        problems.append(Violation(Kind.NO_ANSWER, f"nothing within {LISTEN_SECONDS:.0f} s"))
    return problems


def run_scenario(
    base_url: str, scenario: WsScenario, authorization: str | None, full_ssns: frozenset[str] | None
) -> list[Violation]:
    """Open a socket, init it (unless the scenario says not to), send its frames, listen."""
    sent = Sent((SYNTHETIC_SSN,), full_ssns)
    try:
        socket = connect(ws_url(base_url), subprotocols=[PROTOCOL], open_timeout=5, max_size=None)  # type: ignore[list-item]
    except (OSError, InvalidHandshake, TimeoutError) as error:
        return [Violation(Kind.NO_ANSWER, f"socket not opened: {type(error).__name__}")]
    with socket:
        try:
            if scenario.init:
                socket.send(
                    json.dumps(
                        {"type": "connection_init", "payload": {"authorization": authorization}}
                    )
                )
                ack = socket.recv(timeout=5)
                problems = check_ws_message(ack, sent)
                if '"connection_ack"' not in str(ack):
                    return [*problems, *_listen(socket, sent, answer_expected=False)]
            for frame in scenario.frames:
                socket.send(frame)
        except ConnectionClosed as closed:
            return _closed(closed, sent)
        except TimeoutError:
            return [Violation(Kind.NO_ANSWER, "no answer to connection_init within 5 s")]
        return _listen(socket, sent, scenario.answer_expected)
