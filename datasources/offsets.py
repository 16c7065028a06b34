"""What the federal offset and passport denial files hold, and the seam to read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from datasources.audit import AuditEventDraft
from datasources.pages import Page, PageRequest

PASSPORT_DENIAL_THRESHOLD = Decimal("2500.00")
TAX_REFUND_OFFSET_THRESHOLDS = {"TANF": Decimal("150.00"), "NON_TANF": Decimal("500.00")}


@dataclass(frozen=True)
class OffsetCertificationRecord:
    id: int
    ssn: str
    submitting_state: str
    case_type: str
    arrears_amount: Decimal
    certified_on: date
    passport_status: str
    version: int = 1

    @property
    def passport_denial_eligible(self) -> bool:
        """Arrears above $2,500 make a certification eligible for passport denial."""
        return self.arrears_amount > PASSPORT_DENIAL_THRESHOLD

    @property
    def tax_refund_offset_eligible(self) -> bool:
        """Arrears of at least $150 (TANF) or $500 (NON_TANF) allow a tax refund offset."""
        return self.arrears_amount >= TAX_REFUND_OFFSET_THRESHOLDS[self.case_type]


@dataclass(frozen=True)
class TaxRefundOffsetRecord:
    id: int
    certification_id: int
    tax_year: int
    amount: Decimal
    offset_on: date
    joint_return: bool


@dataclass(frozen=True)
class CertificationChange:
    """The new values of a certification's changeable fields."""

    arrears_amount: Decimal
    case_type: str
    passport_status: str


class ConcurrentUpdate(RuntimeError):
    """The certification kept changing under the update; nothing was written."""


@dataclass(frozen=True)
class CertificationFilter:
    submitting_state: str | None = None
    ssn: str | None = None
    passport_status: str | None = None


class OffsetSource(Protocol):
    """Read access to offset certifications and tax refund offsets.

    Batch methods answer in the order of the keys they were given: `None` for an
    unknown id, an empty list for a key with nothing under it.
    """

    async def get_certifications(
        self, ids: Sequence[int]
    ) -> Sequence[OffsetCertificationRecord | None]:
        """Certifications by id, aligned with `ids`."""
        ...

    async def list_certifications_by_ssn(
        self, ssns: Sequence[str]
    ) -> Sequence[list[OffsetCertificationRecord]]:
        """Each obligor's certifications, in id order, aligned with `ssns`."""
        ...

    async def list_tax_refund_offsets(
        self, certification_ids: Sequence[int]
    ) -> Sequence[list[TaxRefundOffsetRecord]]:
        """Each certification's tax refund offsets, newest tax year first."""
        ...

    async def list_certifications(
        self, where: CertificationFilter, page: PageRequest
    ) -> Page[OffsetCertificationRecord]:
        """Certifications matching every set filter, in id order."""
        ...

    async def update_certification(
        self,
        certification_id: int,
        change: Callable[[OffsetCertificationRecord], CertificationChange],
        *,
        event: AuditEventDraft,
    ) -> OffsetCertificationRecord | None:
        """Apply `change` to the current row in one transaction; None when there is no such row.

        `change` sees the row as it is inside the transaction and may raise to abandon the
        update (nothing is written). Concurrent updates never overwrite each other: each
        applies to the row the other left, or `ConcurrentUpdate` is raised. `event` is
        stored in the audit outbox in the same transaction: no change commits without it.
        """
        ...
