"""What the National Directory of New Hires holds, and the seam the hub reads it through."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from datasources.addresses import AddressRecord, ContactRecord
from datasources.pages import Page, PageRequest


@dataclass(frozen=True)
class EmployerRecord:
    id: int
    fein: str
    name: str
    state: str
    provides_medical_insurance: bool | None
    e_iwo_participant: bool
    debt_inquiry_participant: bool


@dataclass(frozen=True)
class EmployerAddressRecord:
    kind: str
    address: AddressRecord


@dataclass(frozen=True)
class NewHireRecord:
    id: int
    employee_ssn: str
    employer_id: int
    hire_date: date
    reported_on: date
    state: str


@dataclass(frozen=True)
class QuarterlyWageRecord:
    id: int
    employee_ssn: str
    employer_id: int
    year: int
    quarter: int
    amount: Decimal


@dataclass(frozen=True)
class EmployerFilter:
    name: str | None = None
    state: str | None = None
    e_iwo_participant: bool | None = None
    fein: str | None = None


class NdnhSource(Protocol):
    """Read access to the National Directory of New Hires.

    Batch methods answer in the order of the keys they were given: `None` for an
    unknown key, an empty list for a key with nothing under it. People are keyed
    by SSN, as NDNH knows them.
    """

    async def get_employers(self, ids: Sequence[int]) -> Sequence[EmployerRecord | None]:
        """Employers by id, aligned with `ids`."""
        ...

    async def get_employers_by_fein(self, feins: Sequence[str]) -> Sequence[EmployerRecord | None]:
        """Employers by FEIN (`NN-NNNNNNN`), aligned with `feins`."""
        ...

    async def list_employer_addresses(
        self, employer_ids: Sequence[int]
    ) -> Sequence[list[EmployerAddressRecord]]:
        """Each employer's addresses, aligned with the ids."""
        ...

    async def list_employer_contacts(
        self, employer_ids: Sequence[int]
    ) -> Sequence[list[ContactRecord]]:
        """Each employer's contacts, aligned with the ids."""
        ...

    async def list_new_hires(self, ssns: Sequence[str]) -> Sequence[list[NewHireRecord]]:
        """Each person's new-hire reports, newest first, aligned with `ssns`."""
        ...

    async def list_wages(self, ssns: Sequence[str]) -> Sequence[list[QuarterlyWageRecord]]:
        """Each person's quarterly wages, newest quarter first, aligned with `ssns`."""
        ...

    async def list_employers(
        self, where: EmployerFilter, page: PageRequest
    ) -> Page[EmployerRecord]:
        """Employers matching every set filter, in id order."""
        ...
