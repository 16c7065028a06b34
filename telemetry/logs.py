"""Log lines as JSON objects (or plain text, for a developer's terminal), with the request id.

`configure_logging` puts one handler on the root logger: `JsonLines` (one JSON object per
line: `time`, `level`, `logger`, `message`, and the fields a call passes in `extra`, such
as the access line's), or a text format. `JsonLines` is a dozen lines on orjson rather
than python-json-logger's formatter: the access line is written for every request, and
python-json-logger took about four times as long to write it (its field merging and
`json.dumps`), in a hub that counts every microsecond of a request. Its filter adds the id
of the request the line was written in (`request_id`), so every line of one request can
be found by the id its answer carried. Messages are the hub's fixed texts with its own
words in them; JSON escapes whatever a line holds, so no line can make another.

uvicorn's loggers have no handlers of their own under `hub serve` (`log_config=None`):
their lines go through the same handler. uvicorn's access log stays off: its line holds
the query string, and `GET /graphql?query=...&variables=...` would put both in the log.
The hub's own access line (`hub.access`, `transport.observed_requests`) replaces it.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

import orjson

from telemetry.requests import current_request

LOG_FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
QUIET_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "httpx", "httpcore")
"""Drivers log statements with their parameters at DEBUG, and httpx every URL it asks at
INFO, query string and all: never let SSNs reach a log."""


class RequestIdFilter(logging.Filter):
    """Give each record the id of the request it was written in (or none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            current = current_request()
            if current is not None:
                record.request_id = current.request_id
        return True


_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class TextLines(logging.Formatter):
    """`TEXT_FORMAT`, then the fields a call passes in `extra` as `key=value`."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = [
            f"{key}={value}" for key, value in vars(record).items() if key not in _RECORD_FIELDS
        ]
        return f"{line} {' '.join(extra)}" if extra else line


def json_formatter() -> logging.Formatter:
    return JsonLines()


def build_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(json_formatter() if log_format == "json" else TextLines())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(log_format: str, stream: TextIO | None = None) -> None:
    """Send every logger's lines at INFO and above through one handler of `log_format`."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "hub_handler", False):
            root.removeHandler(handler)
    handler = build_handler(log_format, stream)
    handler.hub_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
