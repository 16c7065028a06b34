"""National Directory of New Hires tables: employers, new hires, quarterly wages.

NDNH knows people only by SSN, as the real directory does; the hub joins to FCR
participants on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class NdnhBase(DeclarativeBase):
    pass


class EmployerRow(NdnhBase):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fein: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    provides_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)
    e_iwo_participant: Mapped[bool] = mapped_column(Boolean)
    debt_inquiry_participant: Mapped[bool] = mapped_column(Boolean)


class EmployerAddressRow(NdnhBase):
    __tablename__ = "employer_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    line1: Mapped[str] = mapped_column(String(60))
    line2: Mapped[str | None] = mapped_column(String(60))
    city: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))


class EmployerContactRow(NdnhBase):
    __tablename__ = "employer_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(80))


class NewHireRow(NdnhBase):
    __tablename__ = "new_hires"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_ssn: Mapped[str] = mapped_column(String(11), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    hire_date: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(2))


class QuarterlyWageRow(NdnhBase):
    __tablename__ = "quarterly_wages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_ssn: Mapped[str] = mapped_column(String(11), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
