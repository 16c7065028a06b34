"""Decoding what clients send as JSON: HTTP bodies, GET parameters and WebSocket frames.

orjson refuses invalid UTF-8 and stops at 1,024 levels of nesting, without Python
recursion; what it returns must then be an object no deeper than `MAX_JSON_DEPTH`, so
no later step (graphql-core's variable coercion, a scalar's `str()`, strawberry's own
parsing) ever walks a structure deep enough to raise RecursionError.
"""

from __future__ import annotations

import json
import re

import orjson

MAX_JSON_DEPTH = 32
"""Nesting allowed in one request (the deepest real one, body → variables → input →
address, is 4 levels)."""


class MalformedJson(json.JSONDecodeError):
    """A request that is not a JSON object within the limits; `msg` says which, echoing nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)


def decode_request_json(data: str | bytes) -> dict[str, object]:
    """The JSON object in `data`; raises MalformedJson for anything else."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise MalformedJson("The request is not JSON (UTF-8, numbers within a double).") from None
    if not isinstance(value, dict):
        raise MalformedJson(
            "A GraphQL request (and its variables and extensions) is a JSON object."
        )
    if _deeper_than(data.encode() if isinstance(data, str) else data, MAX_JSON_DEPTH):
        raise MalformedJson(f"The request is nested deeper than {MAX_JSON_DEPTH} levels.")
    return value


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def _deeper_than(text: bytes, limit: int) -> bool:
    """Whether valid JSON `text` nests containers more than `limit` deep.

    On the brackets alone (strings taken out), each pass takes away the innermost
    pairs, one level: what is left after `limit` passes is deeper. Every step runs in
    the regular-expression engine, not in Python: about as fast as orjson's parse.
    """
    brackets = _STRING.sub(b"", text).translate(None, _NOT_A_BRACKET)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _INNERMOST.sub(b"", brackets)
    return bool(brackets)
