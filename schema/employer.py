"""Employers as eEmployer and NDNH know them, and what NDNH reports of employees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from datasources.ndnh import EmployerRecord, NewHireRecord, QuarterlyWageRecord
from policy.relations import EmployerFacts
from resolvers import employers as resolve
from resolvers.context import Context
from resolvers.ids import encode_global_id
from schema.address import Address, Contact
from schema.relay import Connection, Node, build_connection
from schema.scalars import Money

Info = strawberry.Info[Context, None]


@strawberry.enum
class EmployerAddressKind(Enum):
    PAYROLL = "PAYROLL"
    IWO = "IWO"
    SERVICE_OF_PROCESS = "SERVICE_OF_PROCESS"
    VERIFICATION_OF_EMPLOYMENT = "VERIFICATION_OF_EMPLOYMENT"
    MEDICAL_SUPPORT = "MEDICAL_SUPPORT"


@strawberry.type
class EmployerAddress:
    kind: EmployerAddressKind
    address: Address


@strawberry.type(description="An employer registered with the portal.")
class Employer(Node):
    fein: str
    name: str
    provides_medical_insurance: bool | None
    e_iwo_participant: bool
    debt_inquiry_participant: bool
    record: strawberry.Private[EmployerRecord]
    facts: strawberry.Private[EmployerFacts]

    @strawberry.field
    async def addresses(self, info: Info) -> list[EmployerAddress]:
        records = await resolve.resolve_employer_addresses(info, self.record.id)
        return [
            EmployerAddress(
                kind=EmployerAddressKind(r.kind), address=Address.from_record(r.address)
            )
            for r in records
        ]

    @strawberry.field
    async def contacts(self, info: Info) -> list[Contact]:
        records = await resolve.resolve_employer_contacts(info, self.record.id)
        return [Contact.from_record(record) for record in records]

    @classmethod
    def from_record(cls, record: EmployerRecord) -> Employer:
        global_id = encode_global_id("Employer", record.id)
        return cls(
            id=strawberry.ID(global_id),
            fein=record.fein,
            name=record.name,
            provides_medical_insurance=record.provides_medical_insurance,
            e_iwo_participant=record.e_iwo_participant,
            debt_inquiry_participant=record.debt_inquiry_participant,
            record=record,
            facts=EmployerFacts(global_id, record.fein),
        )


@strawberry.type(description="A new-hire report (W-4) in NDNH.")
class NewHire:
    hire_date: date
    reported_on: date
    state: str = strawberry.field(description="The state that reported the new hire.")
    record: strawberry.Private[NewHireRecord]

    @strawberry.field
    async def employer(self, info: Info) -> Employer:
        return Employer.from_record(await resolve.load_employer(info, self.record.employer_id))

    @classmethod
    def from_record(cls, record: NewHireRecord) -> NewHire:
        return cls(
            hire_date=record.hire_date,
            reported_on=record.reported_on,
            state=record.state,
            record=record,
        )


@strawberry.type(description="Wages an employer reported for one quarter.")
class QuarterlyWage:
    year: int
    quarter: int
    amount: Money
    record: strawberry.Private[QuarterlyWageRecord]

    @strawberry.field
    async def employer(self, info: Info) -> Employer:
        return Employer.from_record(await resolve.load_employer(info, self.record.employer_id))

    @classmethod
    def from_record(cls, record: QuarterlyWageRecord) -> QuarterlyWage:
        amount: Decimal = record.amount
        return cls(year=record.year, quarter=record.quarter, amount=Money(amount), record=record)


@strawberry.type
class EmployerQuery:
    @strawberry.field(description="One employer by FEIN (NN-NNNNNNN).")
    async def employer(self, info: Info, fein: str) -> Employer | None:
        record = await resolve.resolve_employer(info, fein)
        return Employer.from_record(record) if record else None

    @strawberry.field(description="Employers matching every given filter, in id order.")
    async def employers(
        self,
        info: Info,
        name: str | None = None,
        state: str | None = None,
        e_iwo_participant: bool | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Employer]:
        page = await resolve.resolve_employers(
            info,
            name=name,
            state=state,
            e_iwo_participant=e_iwo_participant,
            first=first,
            after=after,
        )
        return build_connection(
            page, resolve.LIST_NAME, [Employer.from_record(item) for item in page.items]
        )
