"""What one request did, as its log line and its metrics tell it: the `RequestRecord`.

The transport's middleware opens a record for each request (`recording`); the code that
decides the answer notes on it, wherever it runs in the request's task or its children,
the operation's name (`note_operation`) and the codes of the errors it answers
(`note_codes`). Nothing else goes on it: no value, no variable, no query text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from telemetry.operation_names import NONE, operation_name_of


@dataclass(slots=True)
class RequestRecord:
    request_id: str
    operation: str = NONE
    codes: list[str] = field(default_factory=list)

    def add_codes(self, codes: Iterable[object]) -> None:
        for code in codes:
            if isinstance(code, str) and code not in self.codes:
                self.codes.append(code)


_current: ContextVar[RequestRecord | None] = ContextVar("hub_request_record", default=None)


@contextmanager
def recording(request_id: str) -> Iterator[RequestRecord]:
    """A record for the request run inside the block."""
    record = RequestRecord(request_id)
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def current_request() -> RequestRecord | None:
    return _current.get()


def note_operation(operation_name: object, query: object) -> None:
    """The request runs the operation `operation_name` (or its document's first) names."""
    record = _current.get()
    if record is not None:
        record.operation = operation_name_of(operation_name, query)


def note_codes(codes: Iterable[object]) -> None:
    """The answer carries errors with these `extensions.code`s."""
    record = _current.get()
    if record is not None:
        record.add_codes(codes)


def error_codes(errors: Iterable[object]) -> Iterator[object]:
    """The codes of GraphQL errors (`GraphQLError`s or their formatted dicts)."""
    for error in errors:
        extensions = (
            error.get("extensions")
            if isinstance(error, dict)
            else getattr(error, "extensions", None)
        )
        if isinstance(extensions, dict):
            yield extensions.get("code")
