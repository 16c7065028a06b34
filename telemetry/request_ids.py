"""A request's id: its trace's id when it carries a `traceparent`, else its `X-Request-Id`.

A `traceparent` (W3C Trace Context, version 00) gives its trace-id, 32 lowercase hex
digits, not all zero. Else an `X-Request-Id` is taken when it is 1 to `MAX_LENGTH`
characters of `[A-Za-z0-9._-]`, so it cannot carry a line, a quote or a field into a log
line. Else the hub makes one (32 hex digits, like a trace-id). The answer carries the id
back in `X-Request-Id`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

HEADER = "x-request-id"
MAX_LENGTH = 64
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_REQUEST_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_LENGTH}}}")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace-id of a well-formed `traceparent`, else None."""
    if traceparent is None:
        return None
    found = _TRACEPARENT.fullmatch(traceparent.strip())
    if found is None or found.group(1) == _ZERO_TRACE or found.group(2) == _ZERO_SPAN:
        return None
    return found.group(1)


def request_id_of(headers: Mapping[str, str]) -> str:
    """The id of a request with these headers (lowercase names)."""
    traced = trace_id_of(headers.get("traceparent"))
    if traced is not None:
        return traced
    given = headers.get(HEADER)
    if given is not None and _REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex
