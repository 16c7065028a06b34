"""Synthetic SSNs: area 900-999, which SSA never issues, scattered by a fixed permutation."""

from __future__ import annotations

_GROUPS = 99  # 01-99; SSA never issues group 00
_SERIALS = 9_999  # 0001-9999; SSA never issues serial 0000
SPACE = 100 * _GROUPS * _SERIALS
_HALF_BITS = 14  # a Feistel network permutes range(2**28), which holds range(SPACE)
_MASK = (1 << _HALF_BITS) - 1
_ROUND_KEYS = (0x2B7E, 0x1516, 0x28AE, 0x0D2A)


def _feistel(value: int) -> int:
    left, right = value >> _HALF_BITS, value & _MASK
    for key in _ROUND_KEYS:
        mixed = (((right ^ key) * 0x5BD1E995) >> 13) & _MASK
        left, right = right, left ^ mixed
    return (left << _HALF_BITS) | right


def _scatter(index: int) -> int:
    """A bijection of range(SPACE): walk the Feistel cycle until it lands inside."""
    value = _feistel(index)
    while value >= SPACE:
        value = _feistel(value)
    return value


def _ssn_at(index: int) -> str:
    area, rest = divmod(_scatter(index), _GROUPS * _SERIALS)
    group, serial = divmod(rest, _SERIALS)
    return f"{900 + area:03d}-{group + 1:02d}-{serial + 1:04d}"


def participant_ssn(participant_id: int) -> str:
    """The SSN of participant `participant_id`: distinct for distinct ids."""
    return _ssn_at(participant_id)


def stray_ssn(number: int) -> str:
    """The `number`-th SSN that belongs to no participant (taken from the top of the space)."""
    return _ssn_at(SPACE - number)
