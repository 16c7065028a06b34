"""Synthetic SSNs: area 900-999, which SSA never issues, scattered by a fixed permutation."""

from __future__ import annotations

from math import gcd

_GROUPS = 99  # 01-99; SSA never issues group 00
_SERIALS = 9_999  # 0001-9999; SSA never issues serial 0000
SPACE = 100 * _GROUPS * _SERIALS
_MULTIPLIER = 73_856_093
_OFFSET = 19_349_663
assert gcd(_MULTIPLIER, SPACE) == 1  # the map below is a bijection on range(SPACE)


def _ssn_at(index: int) -> str:
    slot = (index * _MULTIPLIER + _OFFSET) % SPACE
    area, rest = divmod(slot, _GROUPS * _SERIALS)
    group, serial = divmod(rest, _SERIALS)
    return f"{900 + area:03d}-{group + 1:02d}-{serial + 1:04d}"


def participant_ssn(participant_id: int) -> str:
    """The SSN of participant `participant_id`: distinct for distinct ids."""
    return _ssn_at(participant_id)


def stray_ssn(number: int) -> str:
    """The `number`-th SSN that belongs to no participant (taken from the top of the space)."""
    return _ssn_at(SPACE - number)
