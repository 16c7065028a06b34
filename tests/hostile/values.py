"""Values a hostile or careless client sends: right-typed, wrong-typed, and odd.

Each strategy draws a `Value`: the Python value (for a JSON variable) and its GraphQL
literal (for the document), so one draw serves both places a value can travel.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from hypothesis import strategies as st

SEEDED_PARTICIPANTS = 400
"""The seed's participant count (tests/conftest.py), for ids that exist."""

NODE_TYPES = (
    "Participant",
    "Case",
    "OffsetCertification",
    "Document",
    "TerminationNotice",
    "Employer",
    "DirectoryEntry",
)
JURISDICTIONS = ("06", "36", "48", "42", "53", "T0001", "CA", "FED", "99", "")
FEINS = ("90-0000001", "90-0000002", "90-0000099", "12-3456789")

SYNTHETIC_SSN = "912-34-5678"
"""A synthetic SSN (area 900-999) a careless client puts where it does not belong."""

ODD_STRINGS = (
    "",
    "\x00",
    "nul\x00inside",
    "\ud800",
    "lone\udfffsurrogate",
    "\u202eRTL-override\u202c",
    "\u200f\u200e\u061cmarks",
    "٣٤٥٦٧٨",
    "١٢٣-٤٥-٦٧٨٩",
    "²³",
    "９００-１２-３４５６",
    "99999999999999999999999999",
    "1E+400",
    "-1E+400",
    "Infinity",
    "NaN",
    "-0",
    "0x1F",
    "'; DROP TABLE participants; --",
    "{{7*7}}${jndi:ldap}",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "\\u0000\\ud800",
    "null",
    "true",
    "e\u0301\u0301\u0301\u0301\u0301",
    "🧒👨‍👩‍👧" * 10,
    SYNTHETIC_SSN,
    "912345678",
    "1977-04-16",
    "2026-02-30",
    "0000-00-00",
    "2026-11-22T14:03:00+99:00",
)
BIG_STRINGS = ("A" * 100_000, "é" * 40_000, "9" * 70_000)


@dataclass(frozen=True)
class Value:
    """One argument value: as a JSON variable (`python`) and as a GraphQL literal."""

    python: object
    literal: str


def global_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def cursor(list_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{list_name}:{key}".encode()).decode().rstrip("=")


def literal_of(value: object) -> str:
    """The GraphQL literal of a JSON-like value (strings JSON-escaped, keys bare)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value) if isinstance(value, int) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal_of(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal_of(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value).__name__)


def _plain(values: st.SearchStrategy[object]) -> st.SearchStrategy[Value]:
    return values.map(lambda value: Value(value, literal_of(value)))


_keys = st.one_of(
    st.integers(1, SEEDED_PARTICIPANTS).map(str),
    st.sampled_from(("0", "-1", "٣", "²", "1" * 19, "9" * 40, "1.5", "1e3", " 7", "x")),
)
ids = st.one_of(
    st.builds(global_id, st.sampled_from(NODE_TYPES), _keys),
    st.builds(global_id, st.sampled_from(("Nope", "", "Participant:1", "٣")), _keys),
    st.builds(cursor, st.sampled_from(("participants", "cases", "x")), _keys),
    st.sampled_from(("UGFydGljaXBhbnQ6MQ", "!!!!", "====", "\x00", "Participant:1")),
)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(("2026-13-01", "1977-04-16T00:00:00", "٢٠٢٦-٠١-٠١", "+10000-01-01", "1-1-1")),
)
date_times = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda value: value.isoformat()),
    st.sampled_from(("2026-11-22T14:03:00", "2026-11-22T25:00:00+00:00", "now", "0")),
)
money = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from(("1E+400", "Infinity", "-Infinity", "NaN", "1e-400", "-0.001", "٣٠٠")),
    st.sampled_from(("99999999999999999999.99", "2500.001", "-2500.00", "0x10")),
)
meaningful_strings = st.one_of(
    st.sampled_from(JURISDICTIONS),
    st.sampled_from(FEINS),
    st.sampled_from(("Central Registry", "UIFSA_TRANSMITTAL_1", "Smith", "Garcia", "OPEN")),
    ids,
    dates,
    money,
)
odd_strings = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.sampled_from(BIG_STRINGS),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=6, max_size=24),
)
strings = st.one_of(meaningful_strings, odd_strings)
huge_numbers = st.sampled_from((2**31, -(2**31) - 1, 2**63, 10**400, 10**30))
ints = st.one_of(st.integers(-5, 200), huge_numbers)
floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from((1e308, -1e308, 5e-324)),
)
# tokens that are valid GraphQL numbers but beyond every Python float and 32-bit int
HUGE_LITERALS = st.sampled_from(("1E+400", "-1E+400", "1" * 400, "0.0000000001e-400", "1e99999"))


def nested(depth: int) -> object:
    """A list nested `depth` levels deep around one string."""
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return value


def nested_object(depth: int, key: str = "line1") -> object:
    """An input object nested `depth` levels deep (every level under `key`)."""
    value: object = {key: SYNTHETIC_SSN}
    for _ in range(depth):
        value = {key: value}
    return value


wrong_values = st.one_of(
    _plain(strings),
    _plain(ints),
    _plain(floats),
    _plain(st.booleans()),
    _plain(st.just(None)),
    _plain(st.lists(st.one_of(strings, ints), max_size=3)),
    _plain(st.fixed_dictionaries({"ssn": st.just(SYNTHETIC_SSN), "zz": strings})),
    _plain(st.integers(2, 300).map(nested)),
    _plain(st.integers(2, 300).map(nested_object)),
    HUGE_LITERALS.map(lambda token: Value(float(token), token)),
)
