"""Federal Case Registry tables: cases, participants, case roles, locate addresses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from datasources.models.audit_outbox import audit_outbox_table


class FcrBase(DeclarativeBase):
    pass


class ParticipantRow(FcrBase):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ssn: Mapped[str] = mapped_column(String(11), index=True)
    ssn_verification: Mapped[str] = mapped_column(String(16))
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    date_of_birth: Mapped[date] = mapped_column(Date)
    date_of_death: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    family_violence: Mapped[bool] = mapped_column(Boolean, default=False)


Index(
    "ix_participants_name",
    func.lower(ParticipantRow.last_name),
    func.lower(ParticipantRow.first_name),
)


class CaseRow(FcrBase):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_jurisdiction_status", "jurisdiction", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    state_case_id: Mapped[str] = mapped_column(String(15))
    case_type: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8))
    has_order: Mapped[bool] = mapped_column(Boolean)
    opened_on: Mapped[date] = mapped_column(Date)


class CaseParticipantRow(FcrBase):
    __tablename__ = "case_participants"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(24))


class AddressRow(FcrBase):
    """A locate address of a participant, as reported by one source (state, NDNH, IRS...)."""

    __tablename__ = "participant_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    line1: Mapped[str] = mapped_column(String(60))
    line2: Mapped[str | None] = mapped_column(String(60))
    city: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    reported_on: Mapped[date] = mapped_column(Date)


class MisidentifiedSsnRow(FcrBase):
    __tablename__ = "misidentified_ssns"
    __table_args__ = (
        Index("uq_misidentified_participant_ssn", "participant_id", "ssn", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    ssn: Mapped[str] = mapped_column(String(11))
    reported_by: Mapped[str] = mapped_column(String(8))
    reported_on: Mapped[date] = mapped_column(Date)


AUDIT_OUTBOX = audit_outbox_table(FcrBase.metadata, "fcr")
