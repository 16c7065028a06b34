"""The chain's canonical JSON: orjson's spelling where it is used is json's, byte for byte."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from datasources.audit_chain import HASHED_FIELDS, canonical_json, event_hash

_ASCII_PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
_ANY_TEXT = st.text(max_size=40)  # control characters, DEL, and beyond ASCII too
_VALUES = st.one_of(st.none(), st.integers(), _ASCII_PRINTABLE, _ANY_TEXT)


def _reference(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({name: _VALUES for name in HASHED_FIELDS}))
def test_canonical_json_is_json_dumps_for_every_value(fields: dict[str, Any]) -> None:
    assert canonical_json(fields) == _reference(fields)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {name: _ASCII_PRINTABLE for name in HASHED_FIELDS if name not in ("seq", "at")}
    ),
    st.integers(1, 2**62),
)
def test_event_hashes_are_those_of_the_reference_spelling(fields: dict[str, Any], seq: int) -> None:
    at = datetime(2026, 12, 2, 18, 0, 1, 123456, tzinfo=UTC)
    event = {**fields, "seq": seq, "at": at}
    hashed = {**event, "at": at.isoformat(timespec="microseconds")}
    expected = hashlib.sha256(("ab" * 32 + _reference(hashed)).encode("ascii")).hexdigest()

    assert event_hash("ab" * 32, event) == expected
