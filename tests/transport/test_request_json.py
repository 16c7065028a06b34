"""The nesting check of request JSON agrees with the nesting of what orjson decodes."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transport.request_json import MAX_JSON_DEPTH, MalformedJson, decode_request_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(alphabet='[]{}"\\ab\u00e9,:'),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=4), children, max_size=3)
    ),
    max_leaves=60,
)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _nest(value: object, levels: int) -> object:
    for _ in range(levels):
        value = [value]
    return value


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, extra=st.integers(min_value=0, max_value=40))
def test_refused_exactly_when_deeper_than_the_limit(value: object, extra: int):
    # given a request object holding a value nested some more levels
    request = {"variables": {"v": _nest(value, extra)}}
    deeper = _depth(request) > MAX_JSON_DEPTH
    # when it is decoded, as orjson writes it and as another encoder does
    for text in (orjson.dumps(request), json.dumps(request, ensure_ascii=False)):
        if deeper:
            with pytest.raises(MalformedJson):
                decode_request_json(text)
        else:
            # then it is refused exactly when it is deeper than the limit
            assert decode_request_json(text) == request


@pytest.mark.parametrize("text", [b'"x"', b"1", b"[]", b"null", b"{", b'{"a": "\xff"}', b"NaN"])
def test_anything_but_a_json_object_is_refused(text: bytes):
    with pytest.raises(MalformedJson):
        decode_request_json(text)
