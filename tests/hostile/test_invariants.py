"""The harness's own checks catch what they are for, and pass what is clean."""

from __future__ import annotations

import json

from tests.hostile.invariants import (
    ANSWER_SECONDS,
    Kind,
    Sent,
    Violation,
    check_close,
    check_http,
    check_log_lines,
    check_ws_message,
    echoes,
)

SSN = "912-34-5678"
RESTRICTED = Sent((SSN, "Tm9wZTow", "short"), frozenset())
CLEAN = json.dumps({"data": {"viewer": {"role": "analyst"}}})


def _kinds(violations: list[Violation]) -> set[Kind]:
    return {v.kind for v in violations}


def test_a_clean_answer_passes():
    assert check_http(200, 0.01, CLEAN, RESTRICTED) == []
    error = {"errors": [{"message": "Refused.", "extensions": {"code": "FORBIDDEN"}}]}
    assert check_http(400, 0.01, json.dumps(error), RESTRICTED) == []


def test_each_class_of_a_bad_http_answer_is_caught():
    # given answers that break one invariant each
    coded = {"message": "x", "extensions": {"code": "FORBIDDEN"}}
    cases = {
        Kind.SLOW: (200, ANSWER_SECONDS + 0.5, CLEAN),
        Kind.SERVER_ERROR: (500, 0.1, CLEAN),
        Kind.NOT_JSON: (400, 0.1, "Internal Server Error"),
        Kind.NOT_GRAPHQL: (400, 0.1, json.dumps({"detail": "no"})),
        Kind.NO_CODE: (200, 0.1, json.dumps({"errors": [{"message": "no code"}]})),
        Kind.INTERNAL: (
            200,
            0.1,
            json.dumps(
                {"errors": [{"message": "x", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
            ),
        ),
        Kind.TRACEBACK: (
            200,
            0.1,
            json.dumps({"errors": [{**coded, "message": "Traceback (most recent call last)"}]}),
        ),
        Kind.SQL: (
            200,
            0.1,
            json.dumps({"errors": [{**coded, "message": "SELECT ssn FROM participants"}]}),
        ),
        Kind.PATH: (
            200,
            0.1,
            json.dumps({"errors": [{**coded, "message": "in /work/main/app.py"}]}),
        ),
        Kind.ECHO: (200, 0.1, json.dumps({"errors": [{**coded, "message": f"bad value {SSN!r}"}]})),
        Kind.SSN: (200, 0.1, json.dumps({"data": {"participant": {"ssn": "955-12-3456"}}})),
    }
    for kind, (status, seconds, body) in cases.items():
        # when each is checked, then its class is found
        assert kind in _kinds(check_http(status, seconds, body, RESTRICTED)), kind
    assert _kinds(check_http(None, 5, "", RESTRICTED)) == {Kind.NO_ANSWER}


def test_an_echo_in_a_user_error_or_an_escaped_message_is_caught():
    payload = {
        "data": {"x": {"userErrors": [{"message": "no Tm9wZTow here", "code": "NOT_FOUND"}]}}
    }
    assert Kind.ECHO in _kinds(check_http(200, 0.1, json.dumps(payload), RESTRICTED))
    # graphql-core prints values with repr(): the printable run still shows
    assert echoes(["got 'abc\\x00defghi'"], ["abc\x00defghi"]) == ["abc\x00defghi"]
    assert echoes(["got it"], ["short", "abc"]) == []


def test_full_ssns_a_viewer_may_see_pass():
    body = json.dumps({"data": {"participant": {"ssn": "955-12-3456"}}})
    assert check_http(200, 0.1, body, Sent((), frozenset({"955-12-3456"}))) == []
    assert check_http(200, 0.1, body, Sent((), None)) == []
    echoed = json.dumps(
        {"errors": [{"message": f"got {SSN}", "extensions": {"code": "BAD_USER_INPUT"}}]}
    )
    assert _kinds(check_http(200, 0.1, echoed, RESTRICTED)) == {Kind.ECHO}
    masked = json.dumps({"data": {"participant": {"ssn": "***-**-3456"}}})
    assert check_http(200, 0.1, masked, RESTRICTED) == []


def test_websocket_frames_and_closes_are_checked():
    assert _kinds(check_ws_message(b"{}", RESTRICTED)) == {Kind.BINARY_FRAME}
    error = json.dumps({"id": "1", "type": "error", "payload": [{"message": "Syntax Error"}]})
    assert Kind.NO_CODE in _kinds(check_ws_message(error, RESTRICTED))
    coded = [{"message": "Syntax Error", "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]
    assert (
        check_ws_message(json.dumps({"id": "1", "type": "error", "payload": coded}), RESTRICTED)
        == []
    )
    assert check_close(4403, "Forbidden", RESTRICTED) == []
    assert _kinds(check_close(1011, "boom", RESTRICTED)) == {Kind.CLOSE_CODE}
    assert _kinds(check_close(4400, f"bad {SSN}", RESTRICTED)) == {Kind.ECHO}


def test_log_lines_with_a_traceback_an_ssn_or_a_submitted_date_are_caught():
    lines = [
        "ERROR hub.graphql unexpected TypeError in operation anonymous at None",
        "Traceback (most recent call last):",
        f"INFO hub matched {SSN}",
        "INFO hub born 1977-04-16",
    ]
    found = check_log_lines(lines, ["1977-04-16"])
    assert [v.kind for v in found] == [Kind.LOG_TRACEBACK, Kind.LOG_PII, Kind.LOG_PII]
