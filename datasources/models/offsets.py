"""Federal offset and passport denial tables.

Certifications name the obligor by SSN, as the states' submissions do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from datasources.models.audit_outbox import audit_outbox_table


class OffsetsBase(DeclarativeBase):
    pass


class OffsetCertificationRow(OffsetsBase):
    __tablename__ = "offset_certifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ssn: Mapped[str] = mapped_column(String(11), index=True)
    submitting_state: Mapped[str] = mapped_column(String(8), index=True)
    case_type: Mapped[str] = mapped_column(String(10))
    arrears_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    certified_on: Mapped[date] = mapped_column(Date)
    passport_status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class TaxRefundOffsetRow(OffsetsBase):
    """A federal tax refund offset collection: Federal Tax Information."""

    __tablename__ = "tax_refund_offsets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("offset_certifications.id"), index=True
    )
    tax_year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    offset_on: Mapped[date] = mapped_column(Date)
    joint_return: Mapped[bool] = mapped_column(Boolean)


AUDIT_OUTBOX = audit_outbox_table(OffsetsBase.metadata, "offsets")
