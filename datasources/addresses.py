"""The postal address record that several sources share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AddressRecord:
    line1: str
    line2: str | None
    city: str
    state: str
    zip: str
    source: str | None = None
    reported_on: date | None = None


@dataclass(frozen=True)
class ContactRecord:
    name: str
    title: str | None
    phone: str | None
    email: str | None
    address: AddressRecord | None = None
