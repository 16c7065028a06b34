"""Employers as eEmployer and NDNH know them, and what NDNH reports of employees."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from resolvers import employers as resolve
from resolvers.context import Context
from resolvers.paging import ConnectionView
from resolvers.views import EmployerView
from schema.address import Address, Contact
from schema.relay import Connection, Node
from schema.resolved import resolved_by
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
    addresses: list[EmployerAddress] = resolved_by(resolve.employer_addresses)
    contacts: list[Contact] = resolved_by(resolve.employer_contacts)


@strawberry.type(description="A new-hire report (W-4) in NDNH.")
class NewHire:
    hire_date: date
    reported_on: date
    state: str = strawberry.field(description="The state that reported the new hire.")
    employer: Employer = resolved_by(resolve.employer_of)


@strawberry.type(description="Wages an employer reported for one quarter.")
class QuarterlyWage:
    year: int
    quarter: int
    amount: Money
    employer: Employer = resolved_by(resolve.employer_of)


@strawberry.type
class EmployerQuery:
    @strawberry.field(
        graphql_type=Employer | None, description="One employer by FEIN (NN-NNNNNNN)."
    )
    async def employer(self, info: Info, fein: str) -> EmployerView | None:
        return await resolve.resolve_employer(info, fein)

    @strawberry.field(
        graphql_type=Connection[Employer],
        description="Employers matching every given filter, in id order.",
    )
    async def employers(
        self,
        info: Info,
        name: str | None = None,
        state: str | None = None,
        e_iwo_participant: bool | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[EmployerView]:
        return await resolve.resolve_employers(
            info,
            name=name,
            state=state,
            e_iwo_participant=e_iwo_participant,
            first=first,
            after=after,
        )
