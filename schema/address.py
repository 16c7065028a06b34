"""Postal addresses and contacts, shared by several domains."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry


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


@strawberry.type
class Contact:
    name: str
    title: str | None
    phone: str | None
    email: str | None
    address: Address | None
