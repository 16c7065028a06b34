"""eTermination notices, the jurisdictions each notified, and the outbox feeding the bus."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from datasources.models.audit_outbox import audit_outbox_table


class NoticesBase(DeclarativeBase):
    pass


class TerminationNoticeRow(NoticesBase):
    __tablename__ = "termination_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(Integer)
    employer_fein: Mapped[str] = mapped_column(String(10), index=True)
    participant_id: Mapped[int | None] = mapped_column(Integer)
    employee_name: Mapped[str] = mapped_column(String(100))
    terminated_on: Mapped[date | None] = mapped_column(Date)
    never_employed: Mapped[bool] = mapped_column(Boolean)
    address_line1: Mapped[str | None] = mapped_column(String(60))
    address_line2: Mapped[str | None] = mapped_column(String(60))
    address_city: Mapped[str | None] = mapped_column(String(40))
    address_state: Mapped[str | None] = mapped_column(String(2))
    address_zip: Mapped[str | None] = mapped_column(String(10))
    new_employer_name: Mapped[str | None] = mapped_column(String(80))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class NoticeStateRow(NoticesBase):
    __tablename__ = "notice_states"

    notice_id: Mapped[int] = mapped_column(ForeignKey("termination_notices.id"), primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class NoticeOutboxRow(NoticesBase):
    __tablename__ = "notice_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("termination_notices.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


AUDIT_OUTBOX = audit_outbox_table(NoticesBase.metadata, "notices")
