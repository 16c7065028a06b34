"""Raw HTTP bodies no well-behaved client sends: wrong JSON types, broken UTF-8, deep nesting."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.hostile.values import SYNTHETIC_SSN

VIEWER_QUERY = "{ viewer { role } }"
JSON = "application/json"


@dataclass(frozen=True)
class RawBody:
    body: bytes
    content_type: str
    carried: tuple[str, ...] = ()


def _json(value: object, content_type: str = JSON) -> RawBody:
    return RawBody(json.dumps(value).encode(), content_type)


def deep_json(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def deep_variables(depth: int) -> bytes:
    inner = '{"a":' * depth + f'"{SYNTHETIC_SSN}"' + "}" * depth
    query = '{"query": "query($a: String) { viewer { role } }", "variables": {"a": '
    return (query + inner + "}}").encode()


def deep_extensions(depth: int) -> bytes:
    return b'{"query": "{ viewer { role } }", "extensions": ' + deep_json(depth) + b"}"


WRONG_TYPES = (
    _json("abc"),
    _json(12),
    _json(1.5),
    _json(None),
    _json(True),
    _json([]),
    _json([{"query": VIEWER_QUERY}]),
    _json({}),
    _json({"query": None}),
    _json({"query": 12}),
    _json({"query": [VIEWER_QUERY]}),
    _json({"query": {"a": 1}}),
    _json({"query": VIEWER_QUERY, "variables": "not-an-object"}),
    _json({"query": VIEWER_QUERY, "variables": [1, 2]}),
    _json({"query": VIEWER_QUERY, "variables": 7}),
    _json({"query": VIEWER_QUERY, "operationName": 5}),
    _json({"query": VIEWER_QUERY, "operationName": ["a"]}),
    _json({"query": VIEWER_QUERY, "extensions": "x"}),
    _json({"query": VIEWER_QUERY, "extensions": {"persistedQuery": {"sha256Hash": 5}}}),
    _json({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00" * 32}}}),
    RawBody(b'{"query": "{ viewer { role } }", "query": 5}', JSON),
    RawBody(b'{"query": "{ viewer { role } }", "variables": {"a": NaN}}', JSON),
    RawBody(b'{"query": "{ viewer { role } }", "variables": {"a": 1E+400}}', JSON),
)
BROKEN = (
    RawBody(b"", JSON),
    RawBody(b"not json at all", JSON),
    RawBody(b'{"query": "{ viewer { role } }"', JSON),
    RawBody(b'{"query": "\xff\xfe\xfd"}', JSON),
    RawBody(b"\xc3\x28\xa0\xa1", JSON),
    RawBody(b'{"query": "{ viewer { role } }"}\x00\x00', JSON),
    RawBody(b"\xef\xbb\xbf" + b'{"query": "{ viewer { role } }"}', JSON),
    RawBody('{"query": "\ud800"}'.encode("utf-8", "surrogatepass"), JSON),
    RawBody(b"query=%7Bviewer%7Brole%7D%7D", "application/x-www-form-urlencoded"),
    RawBody(b"{ viewer { role } }", "application/graphql"),
    RawBody(b"{ viewer { role } }", "text/plain"),
    RawBody(b'{"query": "{ viewer { role } }"}', "application/json; charset=latin-7"),
    RawBody(
        b"--x\r\nContent-Disposition: form-data; name=operations\r\n\r\n{",
        "multipart/form-data; boundary=x",
    ),
    RawBody(b"--x\r\n\r\n--x--", "multipart/form-data"),
    RawBody(b'{"query": "{ viewer { role } }"}', "application/xml"),
    RawBody(b'{"query": "{ viewer { role } }"}', ""),
)


@st.composite
def raw_bodies(draw: st.DrawFn) -> RawBody:
    """A raw body: a fixed bad one, deep nesting of some kind, or random bytes."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.sampled_from(WRONG_TYPES))
    if choice == 1:
        return draw(st.sampled_from(BROKEN))
    depth = draw(st.sampled_from((100, 1_000, 5_000, 20_000, 100_000)))
    if choice == 2:
        deep_object = ('{"a":' * depth + "1" + "}" * depth).encode()
        return RawBody(draw(st.sampled_from((deep_json(depth), deep_object))), JSON)
    if choice == 3:
        return RawBody(deep_variables(depth), JSON, (SYNTHETIC_SSN,))
    if choice == 4:
        return RawBody(deep_extensions(depth), JSON)
    noise = draw(st.binary(min_size=1, max_size=300))
    return RawBody(noise, draw(st.sampled_from((JSON, "application/graphql", "text/plain"))))
