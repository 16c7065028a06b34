"""NDNH employers: FEINs, names, flags, addresses of every kind, and contacts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import demo_data.names as names
from demo_data.addresses import postal_fields
from demo_data.ids import Ids
from demo_data.places import postal_state
from demo_data.rows import Batch, Row

KINDS = ("PAYROLL", "IWO", "SERVICE_OF_PROCESS", "VERIFICATION_OF_EMPLOYMENT", "MEDICAL_SUPPORT")
MIN_EMPLOYERS = 30
_FEIN_MULTIPLIER = 387_420_489  # 3**18: coprime with 10**9, so FEINs are distinct
_FEIN_OFFSET = (900_000_001 - _FEIN_MULTIPLIER) % 10**9  # employer 1 gets 90-0000001
# Employers 1-3 are scripted: (provides_medical_insurance, e_iwo, debt_inquiry).
_SCRIPTED: dict[int, tuple[bool | None, bool, bool]] = {
    1: (True, True, True),
    2: (False, False, False),
    3: (None, True, False),
}


def employer_count(participants: int) -> int:
    return max(MIN_EMPLOYERS, participants // 50)


def fein(employer_id: int) -> str:
    digits = f"{(employer_id * _FEIN_MULTIPLIER + _FEIN_OFFSET) % 10**9:09d}"
    return f"{digits[:2]}-{digits[2:]}"


@dataclass(frozen=True)
class EmployerDirectory:
    """Where each employer is (by id), so new hires can name a reporting state."""

    states: tuple[str, ...]

    @classmethod
    def generate(cls, rng: random.Random, count: int) -> EmployerDirectory:
        return cls(tuple(postal_state(rng) for _ in range(count)))

    def state_of(self, employer_id: int) -> str:
        return self.states[employer_id - 1]

    def pick(self, rng: random.Random) -> int:
        """An employer id, large (low-numbered) employers hiring more often."""
        return int(len(self.states) * rng.random() ** 2.5) + 1


def employer_batches(
    rng: random.Random, directory: EmployerDirectory, batch_size: int
) -> Iterator[Batch]:
    ids, batch = Ids(), Batch()
    for employer_id in range(1, len(directory.states) + 1):
        _add_employer(rng, ids, batch, employer_id, directory.state_of(employer_id))
        if employer_id % batch_size == 0:
            yield batch
            batch = Batch()
    yield batch


def _add_employer(rng: random.Random, ids: Ids, batch: Batch, employer_id: int, state: str) -> None:
    name = names.company_name(rng)
    row = employer_row(rng, employer_id, name, state)
    batch.add("employers", [row])
    batch.add("employer_addresses", address_rows(rng, ids, row))
    count = 3 if employer_id == 1 else rng.choice((1, 1, 2, 2, 3))
    batch.add("employer_contacts", [contact_row(rng, ids, employer_id, name) for _ in range(count)])


def employer_row(rng: random.Random, employer_id: int, name: str, state: str) -> Row:
    medical, e_iwo, debt = _SCRIPTED.get(employer_id) or _random_flags(rng)
    return {
        "id": employer_id,
        "fein": fein(employer_id),
        "name": name,
        "state": state,
        "provides_medical_insurance": medical,
        "e_iwo_participant": e_iwo,
        "debt_inquiry_participant": debt,
    }


def _random_flags(rng: random.Random) -> tuple[bool | None, bool, bool]:
    draw = rng.random()
    medical = True if draw < 0.55 else False if draw < 0.85 else None
    return medical, rng.random() < 0.6, rng.random() < 0.3


def _kinds(rng: random.Random, employer: Row) -> list[str]:
    if employer["id"] == 1:
        return list(KINDS)
    odds = {
        "IWO": 0.8 if employer["e_iwo_participant"] else 0.4,
        "SERVICE_OF_PROCESS": 0.4,
        "VERIFICATION_OF_EMPLOYMENT": 0.35,
        "MEDICAL_SUPPORT": 0.7 if employer["provides_medical_insurance"] else 0.0,
    }
    return ["PAYROLL"] + [kind for kind, chance in odds.items() if rng.random() < chance]


def address_rows(rng: random.Random, ids: Ids, employer: Row) -> list[Row]:
    return [_employer_address(rng, ids, employer, kind) for kind in _kinds(rng, employer)]


def _employer_address(rng: random.Random, ids: Ids, employer: Row, kind: str) -> Row:
    state = str(employer["state"]) if rng.random() < 0.85 else postal_state(rng)
    postal = postal_fields(rng, state, unit_share=0.0)
    if rng.random() < 0.5:
        postal["line2"] = f"Suite {rng.randint(1, 12) * 100 + rng.randint(0, 40)}"
    return {
        "id": ids.next("employer_addresses"),
        "employer_id": employer["id"],
        "kind": kind,
        **postal,
    }


def contact_row(rng: random.Random, ids: Ids, employer_id: int, company: str) -> Row:
    sex = rng.choice(("FEMALE", "MALE"))
    first, last = names.first_name(rng, sex), names.last_name(rng)
    domain = re.sub(r"[^a-z]", "", "".join(company.lower().split()[:2]))
    return {
        "id": ids.next("employer_contacts"),
        "employer_id": employer_id,
        "name": f"{first} {last}",
        "title": names.contact_title(rng) if rng.random() < 0.9 else None,
        "phone": _phone(rng) if rng.random() < 0.95 else None,
        "email": f"{first}.{last}@{domain}.example".lower() if rng.random() < 0.85 else None,
    }


def _phone(rng: random.Random) -> str:
    """A phone number in the 555-0100..555-0199 block reserved for fiction."""
    area = rng.randint(201, 989)
    area += 1 if area % 100 == 11 else 0
    return f"({area}) 555-01{rng.randint(0, 99):02d}"
