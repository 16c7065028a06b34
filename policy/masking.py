"""Masked forms of protected values."""

from __future__ import annotations


def mask_ssn(ssn: object) -> str | None:
    """`***-**-6789`: only the last four digits stay."""
    if not isinstance(ssn, str):
        return None
    return "***-**-" + ssn[-4:]
