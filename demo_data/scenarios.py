"""The scripted families seeded first, so every special case exists at every scale."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Trait(StrEnum):
    """A property forced on a scripted family's noncustodial parent (or its cases)."""

    FVI = "fvi"
    DECEASED = "deceased"
    PUTATIVE = "putative"
    ALL_SOURCES = "all_sources"
    FIRST_EMPLOYER = "first_employer"
    NO_EMPLOYMENT = "no_employment"
    MISIDENTIFIED = "misidentified"
    CHILD_SEX_UNKNOWN = "child_sex_unknown"


@dataclass(frozen=True)
class CertSpec:
    """A scripted offset certification; `offsets` holds the joint_return of each tax offset."""

    case_type: str
    arrears: Decimal
    passport_status: str
    offsets: tuple[bool, ...] = ()


@dataclass(frozen=True)
class FamilyPlan:
    """One noncustodial parent and their cases: a jurisdiction and a child count per case."""

    jurisdictions: tuple[str, ...]
    children: tuple[int, ...]
    traits: frozenset[Trait] = frozenset()
    verification: str | None = None
    certs: tuple[CertSpec, ...] = ()
    scripted: bool = False

    @property
    def size(self) -> int:
        """Participants in the family: the parent, and a custodial party plus children per case."""
        return 1 + sum(1 + count for count in self.children)


THRESHOLDS = tuple(
    Decimal(amount)
    for amount in (
        "149.99",
        "150.00",
        "150.01",
        "499.99",
        "500.00",
        "500.01",
        "2499.99",
        "2500.00",
        "2500.01",
    )
)
PASSPORT_THRESHOLD = Decimal("2500.00")


def _threshold_pair(index: int) -> tuple[CertSpec, ...]:
    """A TANF and a NON_TANF certification at two of the nine threshold amounts."""
    tanf, non_tanf = THRESHOLDS[index], THRESHOLDS[(index + 4) % len(THRESHOLDS)]
    return (_at_threshold("TANF", tanf), _at_threshold("NON_TANF", non_tanf))


def _at_threshold(case_type: str, arrears: Decimal) -> CertSpec:
    status = "DENIED" if arrears > PASSPORT_THRESHOLD else "NOT_CERTIFIED"
    return CertSpec(case_type, arrears, status, offsets=(False,) if status == "DENIED" else ())


def _plan(
    jurisdictions: tuple[str, ...],
    children: tuple[int, ...],
    *traits: Trait,
    verification: str | None = None,
    certs: tuple[CertSpec, ...] = (),
) -> FamilyPlan:
    return FamilyPlan(jurisdictions, children, frozenset(traits), verification, certs, True)


_T = Trait
SCENARIOS: tuple[FamilyPlan, ...] = (
    _plan(
        ("06", "48"), (2, 1), _T.FVI, _T.ALL_SOURCES, _T.FIRST_EMPLOYER, certs=_threshold_pair(0)
    ),
    _plan(("36", "34", "T0003"), (1, 2, 1), _T.FIRST_EMPLOYER, certs=_threshold_pair(1)),
    _plan(
        ("12", "13"), (1, 1), _T.NO_EMPLOYMENT, verification="UNVERIFIED", certs=_threshold_pair(2)
    ),
    _plan(("39",), (2,), verification="MISIDENTIFIED", certs=_threshold_pair(3)),
    _plan(
        ("53", "41"),
        (1, 1),
        _T.MISIDENTIFIED,
        _T.FIRST_EMPLOYER,
        verification="CORRECTED",
        certs=_threshold_pair(4),
    ),
    _plan(("17", "18"), (3, 1), _T.FIRST_EMPLOYER, certs=_threshold_pair(5)),
    _plan(("04", "T0001"), (1, 2), _T.NO_EMPLOYMENT, certs=_threshold_pair(6)),
    _plan(("26",), (1,), certs=_threshold_pair(7)),
    _plan(("37",), (2,), certs=_threshold_pair(8)),
    _plan(("42",), (1,), certs=(CertSpec("NON_TANF", Decimal("3150.00"), "RELEASED", (True,)),)),
    _plan(
        ("47",), (2,), certs=(CertSpec("TANF", Decimal("8420.55"), "EMERGENCY_RELEASED", (False,)),)
    ),
    _plan(
        ("51", "11"),
        (1, 1),
        certs=(CertSpec("NON_TANF", Decimal("15230.40"), "DENIED", (False, True)),),
    ),
    _plan(("17",), (1,), _T.PUTATIVE),
    _plan(("T0002",), (2,), _T.CHILD_SEX_UNKNOWN),
    _plan(("55",), (1,), _T.DECEASED, _T.NO_EMPLOYMENT),
)
SCENARIO_PARTICIPANTS = sum(plan.size for plan in SCENARIOS)
MIN_PARTICIPANTS = 100
