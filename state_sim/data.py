"""Deterministic case views: the same (jurisdiction, case id) always gives the same case.

Every value comes from `random.Random(f"{code}:{caseId}")`; dates count back from the
day asked, so the history always ends about today. A case id is known when it has the
form the hub's demo data gives that jurisdiction's cases ("CS06" + 11 digits, or
"TC0001" + 9 digits for tribe T0001).
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from datasources.addresses import AddressRecord, ContactRecord
from datasources.state_systems import (
    ActivityRecord,
    CaseRef,
    CaseViewRecord,
    FinancialsRecord,
    PaymentRecord,
)
from demo_data.names import first_name, last_name, street_line
from demo_data.places import POSTAL, city_zip

CENTS = Decimal("0.01")
HISTORY_MONTHS = 24
_TITLES = (
    "Case Manager",
    "Case Manager",
    "Senior Case Manager",
    "Child Support Officer",
    "Enforcement Specialist",
    "Intergovernmental Caseworker",
)
_OFFICE_LINE2 = ("Suite {n}", "Floor {f}", "Room {n}")
_OPENING = (
    ("LOC", "Noncustodial parent located through the Federal Parent Locator Service"),
    ("PAT", "Paternity established by voluntary acknowledgment"),
    ("ORD", "Support order established"),
    ("IWO", "e-IWO issued to employer"),
)
_LATER = (
    ("ENF", "Federal tax refund offset certified"),
    ("ENF", "Driver's license suspension notice sent"),
    ("ENF", "Arrears reported to consumer credit bureaus"),
    ("ENF", "Passport denial certified"),
    ("ENF", "Lien filed against real property"),
    ("IWO", "e-IWO issued to new employer"),
    ("IWO", "Employer acknowledged e-IWO"),
    ("LOC", "New address verified through NDNH new hire match"),
    ("REV", "Order review and adjustment initiated"),
    ("REV", "Order modified after review"),
    ("INT", "Intergovernmental request received from another state"),
)


def is_jurisdiction(code: str) -> bool:
    return code in POSTAL


def is_known_case(code: str, case_id: str) -> bool:
    if code.startswith("T"):
        return re.fullmatch(rf"TC{re.escape(code[1:])}\d{{9}}", case_id) is not None
    return re.fullmatch(rf"CS{re.escape(code)}\d{{11}}", case_id) is not None


def build_case_view(code: str, case_id: str, now: datetime) -> CaseViewRecord:
    """The view of a known case as its state's system shows it at `now` (tz-aware)."""
    rng = random.Random(f"{code}:{case_id}")
    worker = _worker(rng, code)
    financials = _financials(rng, now)
    activities = _activities(rng, now.date())
    return CaseViewRecord(CaseRef(code, case_id), worker, financials, activities)


def _worker(rng: random.Random, code: str) -> ContactRecord:
    first = first_name(rng, "UNKNOWN").title()
    last = last_name(rng).title()
    postal = POSTAL[code]
    domain = (code if code.startswith("T") else postal).lower()
    user = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
    return ContactRecord(
        name=f"{first} {last}",
        title=rng.choice(_TITLES),
        phone=f"({rng.randint(2, 9)}{rng.randint(0, 8)}{rng.randint(0, 9)}) "
        f"555-01{rng.randint(0, 99):02d}",
        email=f"{user}@cse.{domain}.example.org",
        address=_office(rng, postal),
    )


def _office(rng: random.Random, postal: str) -> AddressRecord:
    city, zip_code = city_zip(rng, postal)
    line2 = rng.choice(_OFFICE_LINE2).format(n=rng.randint(100, 480), f=rng.randint(2, 9))
    return AddressRecord(street_line(rng), line2, city, postal, zip_code)


def _financials(rng: random.Random, now: datetime) -> FinancialsRecord:
    obligation = Decimal(rng.randint(150, 1500)).quantize(CENTS)
    arrears = Decimal(0) if rng.random() < 0.25 else Decimal(rng.randint(0, 4_000_000)) / 100
    received = _payments(rng, obligation, arrears > 0, now.date())
    distributed = _distributions(rng, received, now.date())
    return FinancialsRecord(
        monthly_obligation=obligation,
        arrears=arrears.quantize(CENTS),
        as_of=now,
        payments_received=received,
        payments_distributed=distributed,
    )


def _payments(
    rng: random.Random, obligation: Decimal, in_arrears: bool, today: date
) -> tuple[PaymentRecord, ...]:
    reliability = rng.uniform(0.45, 1.0)
    withheld = rng.random() < 0.7
    jobless = _jobless_months(rng)
    payments: list[PaymentRecord] = []
    for back in range(HISTORY_MONTHS - 1, -1, -1):
        month = _month_start(today, back)
        day = month + timedelta(days=rng.randint(0, 27))
        if in_arrears and month.month in (2, 3, 4) and rng.random() < 0.3:
            offset = Decimal(rng.randint(20_000, 350_000)) / 100
            payments.append(PaymentRecord(day, offset, "TAX_REFUND_OFFSET"))
        if rng.random() > reliability or day > today:
            continue
        source = _monthly_source(back in jobless, withheld)
        share = Decimal(1) if rng.random() < 0.8 else Decimal(rng.randint(25, 99)) / 100
        payments.append(PaymentRecord(day, (obligation * share).quantize(CENTS), source))
    return tuple(sorted((p for p in payments if p.date <= today), key=lambda p: p.date))


def _jobless_months(rng: random.Random) -> range:
    if rng.random() > 0.2:
        return range(0)
    start = rng.randint(0, HISTORY_MONTHS - 1)
    return range(start, start + rng.randint(2, 6))


def _monthly_source(jobless: bool, withheld: bool) -> str:
    if jobless:
        return "UNEMPLOYMENT_INTERCEPT"
    return "INCOME_WITHHOLDING" if withheld else "DIRECT_PAYMENT"


def _distributions(
    rng: random.Random, received: tuple[PaymentRecord, ...], today: date
) -> tuple[PaymentRecord, ...]:
    """Payments go out within two days; tax refund offsets may be held up to six months."""
    distributed: list[PaymentRecord] = []
    for payment in received:
        hold = rng.randint(14, 180) if payment.source == "TAX_REFUND_OFFSET" else rng.randint(1, 2)
        when = payment.date + timedelta(days=hold)
        if when <= today:
            distributed.append(PaymentRecord(when, payment.amount, payment.source))
    return tuple(sorted(distributed, key=lambda p: p.date))


def _activities(rng: random.Random, today: date) -> tuple[ActivityRecord, ...]:
    count = rng.randint(3, 15)
    opening = [step for step in _OPENING if step[0] != "PAT" or rng.random() < 0.6]
    steps = (opening + [rng.choice(_LATER) for _ in range(count)])[:count]
    span = rng.randint(365, 6 * 365)
    days = sorted(rng.randint(0, span) for _ in steps)
    start = today - timedelta(days=span)
    return tuple(
        ActivityRecord(start + timedelta(days=offset), code, text)
        for offset, (code, text) in zip(days, steps, strict=True)
    )


def _month_start(today: date, back: int) -> date:
    months = today.year * 12 + today.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)
