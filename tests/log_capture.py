"""Every log line the test session produces, scanned for PII when the session ends.

This module is a pytest plugin (tests/conftest.py names it in `pytest_plugins`).
Its `pytest_configure` installs the capture once at session start: it wraps
`logging.Logger.makeRecord`, so every record any logger creates reaches the capture,
also those of loggers that do not propagate to the root (uvicorn's `uvicorn`,
`uvicorn.error` and `uvicorn.access`, whose handlers uvicorn replaces each time a server
is configured), and it reaches it with the fields the call passed in `extra` (the JSON
formatter writes them, and the hub's access line is made of them): each captured line
is the record's text followed by those fields as JSON. The hub's own loggers are set
to DEBUG so that all they write is seen; the root stays at INFO, the level `hub serve`
logs at.

Its session-scoped autouse fixture `log_scan` scans every captured line in its
teardown, which runs after every other test and fixture of the session, whatever the
files are called: a line with an SSN, a birth date or a seeded participant's value
fails the run. The failure names the logger and the kind of value, never the line,
so the report does not repeat what it found.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

SSN_PATTERNS = (
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\b\d{9}\b"),
)
"""An SSN written out (`912-34-5678`) or bare (`912345678`)."""

BIRTH_DATE_PATTERN = re.compile(
    r"(?i)(birth|dob|date_of_birth|dateofbirth)\W{0,4}(is\W{1,2})?\d{4}-\d{2}-\d{2}"
)
"""A date written next to a word that says it is a birth date (`dateOfBirth": "1977-04-16`)."""

HUB_LOGGERS = (
    "hub",
    "app",
    "cli",
    "settings",
    "datasources",
    "policy",
    "resolvers",
    "schema",
    "transport",
    "demo_data",
    "state_sim",
)
"""The hub's own logger namespaces (`hub.*` and the `__name__` loggers of its packages)."""

FORMAT = "%(levelname)s %(name)s %(message)s"
_STANDARD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def _extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The fields a call passed in `extra` (and a filter added), as a JSON formatter writes them."""
    return {key: value for key, value in vars(record).items() if key not in _STANDARD_FIELDS}


class LogCapture(logging.Handler):
    """A handler that keeps every record it handles, formatted with any traceback.

    `lines[i]` was written by the logger `names[i]`: the scan reports the logger,
    not the line.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self.lines: list[str] = []
        self.names: list[str] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        extra = _extra_fields(record)
        if extra:
            line = f"{line} {json.dumps(extra, default=str, ensure_ascii=False)}"
        with self._guard:
            self.lines.append(line)
            self.names.append(record.name)


CAPTURE = LogCapture()
KNOWN_VALUES: set[str] = set()
"""SSNs and birth dates of seeded participants (tests/conftest.py adds them as it seeds)."""

_installed = False


def install(capture: LogCapture = CAPTURE) -> None:
    """Send every log record created from now on to `capture` as well (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous: Callable[..., logging.LogRecord] = logging.Logger.makeRecord

    def make_record(self: logging.Logger, *args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(self, *args, **kwargs)  # `extra` is on it by now
        capture.handle(record)
        return record

    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]
    if logging.getLogger().level > logging.INFO:
        logging.getLogger().setLevel(logging.INFO)
    for name in HUB_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def capture_process_log(path: Path, capture: LogCapture = CAPTURE) -> int:
    """Add the lines a `hub serve` process wrote to `path` to the scan; how many.

    A hub run as a process of its own logs through its own handler (JSON lines, the
    format `hub serve` writes by default), to a file: its records never reach this
    process's loggers, so its lines are read from the file, each under the logger the
    line names.
    """
    lines = path.read_text("utf-8", errors="replace").splitlines() if path.exists() else []
    with capture._guard:
        for line in lines:
            capture.lines.append(line)
            capture.names.append(_logger_of(line))
    return len(lines)


def _logger_of(line: str) -> str:
    try:
        parsed = json.loads(line)
    except ValueError:
        return "hub serve (not JSON)"
    name = parsed.get("logger") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) else "hub serve (not JSON)"


def pii_kind(line: str, literals: Iterable[str] = ()) -> str | None:
    """What PII `line` holds ("SSN", "birth date", "seeded value"), or None."""
    if any(pattern.search(line) for pattern in SSN_PATTERNS):
        return "SSN"
    if BIRTH_DATE_PATTERN.search(line):
        return "birth date"
    if any(value and value in line for value in literals):
        return "seeded value"
    return None


def ssn_findings(lines: Iterable[str], literals: Iterable[str] = ()) -> list[str]:
    """The lines that hold an SSN-shaped number or one of `literals` (known SSNs, birth dates)."""
    known = [value for value in literals if value]
    return [line for line in lines if pii_kind(line, known) is not None]


def scan_report(capture: LogCapture, literals: Iterable[str] = ()) -> str | None:
    """Why the captured lines fail the scan, naming loggers and kinds only; None if clean."""
    known = [value for value in literals if value]
    found: Counter[tuple[str, str]] = Counter()
    for name, line in zip(list(capture.names), list(capture.lines), strict=True):
        kind = pii_kind(line, known)
        if kind is not None:
            found[(name, kind)] += 1
    if not found:
        return None
    where = "; ".join(
        f"logger {name!r}: {n} line(s) with a {kind}" for (name, kind), n in found.items()
    )
    return (
        f"{found.total()} of {len(capture.lines)} log lines of this session hold PII "
        f"(values not shown): {where}"
    )


def pytest_configure(config: pytest.Config) -> None:
    install()


@pytest.fixture(scope="session", autouse=True)
def log_scan() -> Iterator[LogCapture]:
    """After the whole session: no captured log line holds an SSN or a birth date."""
    yield CAPTURE
    report = scan_report(CAPTURE, KNOWN_VALUES)
    if report is not None:
        pytest.fail(report, pytrace=False)
