"""What a seeding run wrote: rows per table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class SeedSummary:
    participants: int
    cases: int
    case_participants: int
    participant_addresses: int
    misidentified_ssns: int
    employers: int
    employer_addresses: int
    employer_contacts: int
    new_hires: int
    quarterly_wages: int
    offset_certifications: int
    tax_refund_offsets: int
    documents: int = 0

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> SeedSummary:
        return cls(**{field.name: counts.get(field.name, 0) for field in fields(cls)})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())
