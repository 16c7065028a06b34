"""Every log line the test session produces, kept so a last test can scan them for PII.

`install()` runs once at session start (tests/conftest.py, `pytest_configure`). It
wraps the log record factory, so every record any logger creates reaches the
capture, also those of loggers that do not propagate to the root (uvicorn's
`uvicorn`, `uvicorn.error` and `uvicorn.access`, whose handlers uvicorn replaces
each time a server is configured). The hub's own loggers are set to DEBUG so that
all they write is seen; the root stays at INFO, the level `hub serve` logs at.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable

SSN_PATTERNS = (
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(r"\b\d{9}\b"),
)
"""An SSN written out (`912-34-5678`) or bare (`912345678`)."""

HUB_LOGGERS = ("hub", "app", "cli", "settings", "datasources", "policy", "resolvers", "schema")
"""The hub's own logger namespaces (`hub.*` and the `__name__` loggers of its packages)."""

FORMAT = "%(levelname)s %(name)s %(message)s"


class LogCapture(logging.Handler):
    """A handler that keeps every record it handles, formatted with any traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self.lines: list[str] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        with self._guard:
            self.lines.append(line)


CAPTURE = LogCapture()
_installed = False


def install(capture: LogCapture = CAPTURE) -> None:
    """Send every log record created from now on to `capture` as well (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        capture.handle(record)
        return record

    logging.setLogRecordFactory(factory)
    if logging.getLogger().level > logging.INFO:
        logging.getLogger().setLevel(logging.INFO)
    for name in HUB_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def ssn_findings(lines: Iterable[str], literals: Iterable[str] = ()) -> list[str]:
    """The lines that hold an SSN-shaped number or one of `literals` (known SSNs, birth dates)."""
    known = [value for value in literals if value]
    return [
        line
        for line in lines
        if any(pattern.search(line) for pattern in SSN_PATTERNS)
        or any(value in line for value in known)
    ]
