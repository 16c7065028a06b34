"""Federal offset certifications of noncustodial parents, and tax refund offsets collected."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from demo_data.cases import NCP, Family
from demo_data.dates import TODAY, between, days_after
from demo_data.ids import Ids
from demo_data.rows import Row
from demo_data.scenarios import PASSPORT_THRESHOLD, CertSpec

CERTIFIED_SHARE = 0.35  # of the states holding an NCP's cases, each certifies with this chance
REFUND_THRESHOLDS = {"TANF": Decimal("150.00"), "NON_TANF": Decimal("500.00")}
_CENT = Decimal("0.01")
_MAX_ARREARS = 80_000.0
_TAX_YEARS = tuple(range(2019, 2026))


def certification_rows(rng: random.Random, ids: Ids, family: Family) -> tuple[list[Row], list[Row]]:
    """Certifications by states holding a case where the parent is NCP, and their offsets."""
    states = family.state_jurisdictions()
    if family.role != NCP or not states:
        return [], []
    certs: list[Row] = []
    offsets: list[Row] = []
    for state, spec in _specs(rng, family, states):
        cert, collected = _certify(rng, ids, family.parent.ssn, state, spec)
        certs.append(cert)
        offsets += collected
    return certs, offsets


def _specs(
    rng: random.Random, family: Family, states: tuple[str, ...]
) -> Iterator[tuple[str, CertSpec]]:
    """Scripted: TANF from the first state, NON_TANF from the last; else each state maybe."""
    if family.plan.scripted:
        for spec in family.plan.certs:
            yield (states[0] if spec.case_type == "TANF" else states[-1]), spec
        return
    for state in states:
        if rng.random() < CERTIFIED_SHARE:
            yield state, random_spec(rng)


def _certify(
    rng: random.Random, ids: Ids, ssn: str, state: str, spec: CertSpec
) -> tuple[Row, list[Row]]:
    """A certification, made before the first refund it collected from, and those refunds."""
    cert_id = ids.next("offset_certifications")
    plan = offset_plan(rng, spec)
    latest = date(plan[0][0] + 1, 1, 31) if plan else days_after(TODAY, -1)
    certified = between(rng, date(2012, 1, 1), latest)
    offsets = [_offset(rng, ids, cert_id, year, joint) for year, joint in plan]
    return certification_row(cert_id, ssn, state, spec, certified), offsets


def random_spec(rng: random.Random) -> CertSpec:
    case_type = "TANF" if rng.random() < 0.3 else "NON_TANF"
    raw = rng.lognormvariate(8.3, 1.2)  # median about $4,000
    if raw > _MAX_ARREARS:
        raw = rng.uniform(_MAX_ARREARS / 2, _MAX_ARREARS)
    arrears = Decimal(max(raw, 25.0)).quantize(_CENT)
    return CertSpec(case_type, arrears, passport_status(rng, arrears))


def passport_status(rng: random.Random, arrears: Decimal) -> str:
    """DENIED only above the passport threshold; releases happen on either side of it."""
    draw = rng.random()
    if arrears > PASSPORT_THRESHOLD:
        return "DENIED" if draw < 0.6 else "NOT_CERTIFIED" if draw < 0.8 else _released(draw)
    return "NOT_CERTIFIED" if draw < 0.88 else _released(draw)


def _released(draw: float) -> str:
    return "RELEASED" if draw < 0.96 else "EMERGENCY_RELEASED"


def certification_row(cert_id: int, ssn: str, state: str, spec: CertSpec, certified: date) -> Row:
    return {
        "id": cert_id,
        "ssn": ssn,
        "submitting_state": state,
        "case_type": spec.case_type,
        "arrears_amount": spec.arrears,
        "certified_on": certified,
        "passport_status": spec.passport_status,
    }


def refund_eligible(case_type: str, arrears: Decimal) -> bool:
    return arrears >= REFUND_THRESHOLDS[case_type]


def offset_plan(rng: random.Random, spec: CertSpec) -> list[tuple[int, bool]]:
    """(tax year, joint return) per refund offset: as scripted, else 1-3 for half the eligible."""
    joints = list(spec.offsets)
    eligible = refund_eligible(spec.case_type, spec.arrears)
    if not joints and eligible and rng.random() < 0.55:
        joints = [rng.random() < 0.18 for _ in range(rng.randint(1, 3))]
    years = sorted(rng.sample(_TAX_YEARS, len(joints)))
    return list(zip(years, joints, strict=True))


def _offset(rng: random.Random, ids: Ids, cert_id: int, year: int, joint: bool) -> Row:
    amount = min(rng.lognormvariate(7.2, 0.7), 9_500.0)  # median about $1,300
    return {
        "id": ids.next("tax_refund_offsets"),
        "certification_id": cert_id,
        "tax_year": year,
        "amount": Decimal(max(amount, 20.0)).quantize(_CENT),
        "offset_on": between(rng, date(year + 1, 2, 1), date(year + 1, 6, 30)),
        "joint_return": joint,
    }
