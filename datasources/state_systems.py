"""What a state's own case system tells the hub about one of its cases (QUICK), and the seam.

QUICK is a live view: the hub asks the holding state at query time and keeps no copy.
A payment whose `source` is `TAX_REFUND_OFFSET` is Federal Tax Information (programs.md
§3.2); the records carry the source as the state reported it, and policy decides who sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from datasources.addresses import ContactRecord

PAYMENT_SOURCES = (
    "INCOME_WITHHOLDING",
    "DIRECT_PAYMENT",
    "TAX_REFUND_OFFSET",
    "UNEMPLOYMENT_INTERCEPT",
)
"""The payment sources the simulator reports; a real state may report others."""

FTI_PAYMENT_SOURCES = frozenset({"TAX_REFUND_OFFSET"})
"""Payment sources that make a payment row Federal Tax Information."""


@dataclass(frozen=True)
class CaseRef:
    """A case as its holding jurisdiction knows it."""

    jurisdiction: str
    state_case_id: str


@dataclass(frozen=True)
class PaymentRecord:
    date: date
    amount: Decimal
    source: str


@dataclass(frozen=True)
class FinancialsRecord:
    """Obligation, arrears and payment history; payments in date order, oldest first."""

    monthly_obligation: Decimal
    arrears: Decimal
    as_of: datetime
    payments_received: tuple[PaymentRecord, ...]
    payments_distributed: tuple[PaymentRecord, ...]


@dataclass(frozen=True)
class ActivityRecord:
    date: date
    code: str
    description: str


@dataclass(frozen=True)
class CaseViewRecord:
    """A state's live view of one case; activities in date order, oldest first."""

    ref: CaseRef
    worker: ContactRecord | None
    financials: FinancialsRecord | None
    activities: tuple[ActivityRecord, ...]


@dataclass(frozen=True)
class Unavailable:
    """Returned (never raised) in place of a record when the holding state could not answer.

    `reason` names the failure kind only (`timeout`, `unreachable`, `http 503`,
    `bad response`, `circuit open`, `not configured`), never a case id or participant data.
    """

    reason: str


class StateSystemSource(Protocol):
    """Live reads from the states' own case systems."""

    async def get_case_views(
        self, refs: Sequence[CaseRef]
    ) -> Sequence[CaseViewRecord | Unavailable | None]:
        """Each case's live view from its holding state, aligned with `refs`.

        An entry is `None` when the state answered but does not know the case, and
        `Unavailable` for every ref of a state that is down, slower than its timeout,
        answers something malformed, or whose circuit is open. Upstream trouble never
        raises: the call returns within the adapter's timeout plus a small margin.
        """
        ...
