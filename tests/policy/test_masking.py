"""policy/masking.py in process: a masked SSN keeps its last four digits and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.masking import mask_ssn


@pytest.mark.parametrize(
    ("ssn", "masked"),
    [("912-34-5678", "***-**-5678"), ("912345678", "***-**-5678"), ("900-00-0001", "***-**-0001")],
)
def test_mask_ssn_keeps_only_the_last_four_digits(ssn: str, masked: str):
    assert mask_ssn(ssn) == masked


@pytest.mark.parametrize("value", [None, 912345678, b"912-34-5678", ["912-34-5678"]])
def test_mask_ssn_of_a_value_that_is_no_text_is_none(value: object):
    # a non-text value is never shown, masked or not
    assert mask_ssn(value) is None


@given(area=st.integers(900, 999), group=st.integers(0, 99), serial=st.integers(0, 9999))
def test_a_masked_ssn_holds_no_digit_but_the_last_four(area: int, group: int, serial: int):
    ssn = f"{area:03d}-{group:02d}-{serial:04d}"
    masked = mask_ssn(ssn)
    assert masked is not None
    assert masked == f"***-**-{serial:04d}"
    assert sum(ch.isdigit() for ch in masked) == 4
