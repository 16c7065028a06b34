"""Decoding what clients send as JSON: HTTP bodies, GET parameters and WebSocket frames.

orjson refuses invalid UTF-8 and stops at 1,024 levels of nesting, without Python
recursion; what it returns must then be an object no deeper than `MAX_JSON_DEPTH`, so
no later step (graphql-core's variable coercion, a scalar's `str()`, strawberry's own
parsing) ever walks a structure deep enough to raise RecursionError.
"""

from __future__ import annotations

import json

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
        raise MalformedJson("The request is not valid UTF-8 JSON.") from None
    if not isinstance(value, dict):
        raise MalformedJson(
            "A GraphQL request (and its variables and extensions) is a JSON object."
        )
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise MalformedJson(f"The request is nested deeper than {MAX_JSON_DEPTH} levels.")
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """Whether `value` nests containers more than `limit` deep (iteratively: no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = list(item.values()) if isinstance(item, dict) else item
        if isinstance(children, list):
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
