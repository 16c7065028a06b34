"""What every answer of the hub must be, whatever the request: the checks of the harness.

Each check takes an answer (HTTP response or WebSocket message) and what is known of
the request that caused it, and returns the violations it finds, each with its class
(`Kind`) and a short detail. Nothing here knows how requests are made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from tests.allowances import allowance
from tests.transport.contract import CONTRACT_CODES

ANSWER_SECONDS = allowance(2.0)
ECHO_MIN_CHARS = 6

FULL_SSN = re.compile(r"(?<![0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9])")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\bFile \"[^\"]+\", line \d+")
SQL_TEXT = re.compile(
    r"\bSELECT\b[^\n]{0,300}?\bFROM\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b"
    r"|sqlalchemy|asyncpg|aiosqlite|sqlite3|psycopg|\[SQL:"
)
FILE_PATH = re.compile(r"(?:/[\w.+-]+)+\.py\b|site-packages|/work/|/tmp/|/usr/lib/python")
_PLAIN_RUN = re.compile(r"[ -!#-\[\]-~]{" + str(ECHO_MIN_CHARS) + ",}")
"""Printable ASCII but for quotes and backslashes, which error messages escape."""
CLOSE_CODES = frozenset({1000, 1001, 4400, 4401, 4403, 4408, 4409, 4429})
"""Close codes a client may cause: normal, going away, and graphql-transport-ws's own."""


class Kind(StrEnum):
    """The classes of violation, as the report groups them."""

    SLOW = "answer over 2 s"
    NO_ANSWER = "no answer"
    SERVER_ERROR = "5xx status"
    NOT_JSON = "body not JSON"
    NOT_GRAPHQL = "JSON but neither data nor errors"
    NO_CODE = "error without a contract code"
    INTERNAL = "INTERNAL_SERVER_ERROR for a client's input"
    TRACEBACK = "stack trace in answer"
    SQL = "SQL text in answer"
    PATH = "file path in answer"
    ECHO = "submitted value echoed in an error message"
    SSN = "full SSN to a viewer who may not see it"
    BINARY_FRAME = "binary WebSocket frame"
    CLOSE_CODE = "WebSocket closed with a code no client may cause"
    HUB_DOWN = "hub stopped answering"
    LOG_TRACEBACK = "traceback in the log"
    LOG_PII = "SSN, birth date or submitted value in the log"
    SUGGESTION = "schema suggestion ('Did you mean') in production"


@dataclass(frozen=True)
class Violation:
    kind: Kind
    detail: str


@dataclass(frozen=True)
class Sent:
    """What the checks need to know of a request."""

    carried: tuple[str, ...]
    """Every string value the request carried (document literals, variables, names)."""
    full_ssns: frozenset[str] | None
    """The full SSNs its viewer may see; None: any."""
    production: bool = False
    """Whether the hub runs in production mode (no "Did you mean" hints)."""


def _errors_of(body: object) -> list[object]:
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    return errors if isinstance(errors, list) else []


def _user_error_messages(value: object) -> Iterator[str]:
    """Messages of `userErrors` entries anywhere in `data`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "userErrors" and isinstance(item, list):
                for entry in item:
                    if isinstance(entry, dict) and isinstance(entry.get("message"), str):
                        yield entry["message"]
            else:
                yield from _user_error_messages(item)
    elif isinstance(value, list):
        for item in value:
            yield from _user_error_messages(item)


def _plain_runs(text: str) -> list[str]:
    """The runs of printable ASCII in `text` long enough to count as an echo."""
    runs = _PLAIN_RUN.findall(text)
    return [run if len(run) <= 64 else run[:32] for run in runs]


def echoes(messages: Iterable[str], carried: Iterable[str]) -> list[str]:
    """The carried strings (6+ printable characters) that some message repeats."""
    texts = list(messages)
    found: list[str] = []
    for value in dict.fromkeys(carried):
        for run in _plain_runs(value):
            if any(run in text for text in texts):
                found.append(value if len(value) <= 64 else f"{value[:32]}...({len(value)} chars)")
                break
    return found


def _error_problems(errors: list[object]) -> Iterator[Violation]:
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if code not in CONTRACT_CODES:
            yield Violation(Kind.NO_CODE, f"code {code!r}: {_short(error)}")
        elif code == "INTERNAL_SERVER_ERROR":
            yield Violation(Kind.INTERNAL, _short(error))


def _text_problems(text: str, sent: Sent) -> Iterator[Violation]:
    for kind, pattern in (
        (Kind.TRACEBACK, TRACEBACK),
        (Kind.SQL, SQL_TEXT),
        (Kind.PATH, FILE_PATH),
    ):
        match = pattern.search(text)
        if match:
            yield Violation(kind, _around(text, match.start()))
    if sent.production and "Did you mean" in text:
        yield Violation(Kind.SUGGESTION, _around(text, text.index("Did you mean")))
    if sent.full_ssns is not None:
        # an SSN the request itself carried is the echo check's (a viewer knows it already)
        known = sent.full_ssns | set(sent.carried)
        leaked = sorted({m for m in FULL_SSN.findall(text) if m not in known})
        if leaked:
            yield Violation(Kind.SSN, f"{len(leaked)} full SSN(s), e.g. {leaked[0]}")


def check_graphql_body(text: str, sent: Sent) -> list[Violation]:
    """The checks every GraphQL answer body passes (HTTP body or WebSocket payload)."""
    problems = list(_text_problems(text, sent))
    try:
        body = json.loads(text)
    except ValueError:
        return [*problems, Violation(Kind.NOT_JSON, _short(text))]
    if not isinstance(body, dict) or not ({"data", "errors"} & set(body)):
        return [*problems, Violation(Kind.NOT_GRAPHQL, _short(text))]
    errors = _errors_of(body)
    problems.extend(_error_problems(errors))
    messages = [str(e.get("message")) for e in errors if isinstance(e, dict)]
    messages.extend(_user_error_messages(body.get("data")))
    for value in echoes(messages, sent.carried):
        problems.append(Violation(Kind.ECHO, f"{value!r} in {_short(messages)}"))
    return problems


def check_http(status: int | None, seconds: float, text: str, sent: Sent) -> list[Violation]:
    """An HTTP answer: in time, below 500, and a clean GraphQL body."""
    if status is None:
        return [Violation(Kind.NO_ANSWER, f"nothing within {seconds:.1f} s")]
    problems: list[Violation] = []
    if seconds > ANSWER_SECONDS:
        problems.append(Violation(Kind.SLOW, f"{seconds:.2f} s"))
    if status >= 500:
        problems.append(Violation(Kind.SERVER_ERROR, f"{status}: {_short(text)}"))
    return problems + check_graphql_body(text, sent)


def check_ws_message(message: str | bytes, sent: Sent) -> list[Violation]:
    """A WebSocket message: a text frame, JSON, and clean errors in any payload."""
    if isinstance(message, bytes):
        return [Violation(Kind.BINARY_FRAME, _short(message))]
    problems = list(_text_problems(message, sent))
    try:
        parsed = json.loads(message)
    except ValueError:
        return [*problems, Violation(Kind.NOT_JSON, _short(message))]
    payload = parsed.get("payload") if isinstance(parsed, dict) else None
    if isinstance(parsed, dict) and parsed.get("type") == "error":
        errors = payload if isinstance(payload, list) else [payload]
        problems.extend(_error_problems(errors))
        messages = [str(e.get("message")) for e in errors if isinstance(e, dict)]
        problems.extend(
            Violation(Kind.ECHO, f"{value!r} in {_short(messages)}")
            for value in echoes(messages, sent.carried)
        )
    elif isinstance(parsed, dict) and parsed.get("type") == "next":
        problems.extend(
            p
            for p in check_graphql_body(json.dumps(payload), sent)
            if p.kind not in (Kind.SSN, Kind.TRACEBACK, Kind.SQL, Kind.PATH)
        )
    return problems


def check_close(code: int | None, reason: str, sent: Sent) -> list[Violation]:
    """A WebSocket closed by the server: a code a client may cause, a reason without echo."""
    problems = []
    if code is not None and code not in CLOSE_CODES:
        problems.append(Violation(Kind.CLOSE_CODE, f"{code} {reason!r}"))
    problems.extend(
        Violation(Kind.ECHO, f"{value!r} in close reason {reason!r}")
        for value in echoes([reason], sent.carried)
    )
    return problems


def check_log_lines(lines: Iterable[str], carried: Iterable[str]) -> list[Violation]:
    """Log lines written while the harness ran: no traceback, SSN, or submitted date/SSN."""
    sensitive = {
        value
        for value in carried
        if FULL_SSN.fullmatch(value) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    }
    problems = []
    for line in lines:
        if TRACEBACK.search(line) or "Traceback" in line:
            problems.append(Violation(Kind.LOG_TRACEBACK, _short(line, 300)))
        elif FULL_SSN.search(line) or any(value in line for value in sensitive):
            problems.append(Violation(Kind.LOG_PII, _short(line, 300)))
    return problems


def _short(value: object, limit: int = 160) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def _around(text: str, at: int) -> str:
    return _short(text[max(0, at - 40) : at + 120])
