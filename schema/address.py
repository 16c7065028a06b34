"""Postal addresses and contacts, shared by several domains."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from datasources.addresses import AddressRecord, ContactRecord
from policy.relations import AddressFacts


@strawberry.enum(description="Which system reported an address. IRS addresses are FTI.")
class AddressSource(Enum):
    STATE = "STATE"
    NDNH = "NDNH"
    IRS = "IRS"
    DOD = "DOD"
    SSA = "SSA"
    EMPLOYER = "EMPLOYER"
    INSURER = "INSURER"


@strawberry.type
class Address:
    line1: str
    line2: str | None
    city: str
    state: str = strawberry.field(description="Postal abbreviation.")
    zip: str
    source: AddressSource | None
    reported_on: date | None
    facts: strawberry.Private[AddressFacts | None] = None

    @classmethod
    def from_record(cls, record: AddressRecord, facts: AddressFacts | None = None) -> Address:
        return cls(
            line1=record.line1,
            line2=record.line2,
            city=record.city,
            state=record.state,
            zip=record.zip,
            source=AddressSource(record.source) if record.source in _SOURCES else None,
            reported_on=record.reported_on,
            facts=facts,
        )


_SOURCES = {source.value for source in AddressSource}


@strawberry.type
class Contact:
    name: str
    title: str | None
    phone: str | None
    email: str | None
    address: Address | None

    @classmethod
    def from_record(cls, record: ContactRecord) -> Contact:
        return cls(
            name=record.name,
            title=record.title,
            phone=record.phone,
            email=record.email,
            address=Address.from_record(record.address) if record.address else None,
        )
