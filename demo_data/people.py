"""Participants: adults and children, their participant rows and misidentified SSNs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

import demo_data.names as names
from demo_data.dates import TODAY, between, clamp, days_after, years_after
from demo_data.ids import Ids
from demo_data.places import POSTAL, postal_state
from demo_data.rows import Row
from demo_data.ssns import participant_ssn, stray_ssn

ADULT_BORN = (date(1955, 1, 1), date(2004, 12, 31))
CHILD_BORN = (date(2008, 1, 1), date(2025, 12, 31))
_VERIFICATIONS = ("VERIFIED", "CORRECTED", "UNVERIFIED", "MISIDENTIFIED")
_VERIFICATION_CUM = tuple(accumulate((0.90, 0.04, 0.05, 0.01)))
FVI_SHARE = 0.02
DEATH_SHARE = 0.012
MISIDENTIFIED_SHARE = 0.003


@dataclass(slots=True)
class Person:
    id: int
    ssn: str
    first_name: str
    last_name: str
    sex: str
    born: date
    died: date | None
    fvi: bool
    verification: str
    home_state: str


def adult_birth(rng: random.Random) -> date:
    """Adults are born 1955-2004, most around 1985."""
    day = years_after(ADULT_BORN[0], rng.triangular(0.0, 50.0, 30.0))
    return clamp(day, *ADULT_BORN)


def death_after(rng: random.Random, day: date) -> date:
    """A date of death after `day` (the birth of a person's youngest child) and before TODAY."""
    return between(rng, max(day, date(2005, 1, 1)), days_after(TODAY, -1))


def verification(rng: random.Random) -> str:
    return rng.choices(_VERIFICATIONS, cum_weights=_VERIFICATION_CUM)[0]


def sex(rng: random.Random, usual: str, usual_share: float) -> str:
    draw = rng.random()
    if draw < 0.003:
        return "UNKNOWN"
    if draw < usual_share:
        return usual
    return "MALE" if usual == "FEMALE" else "FEMALE"


def new_person(rng: random.Random, ids: Ids, sex: str, last_name: str, born: date) -> Person:
    """A living, verified person without FVI; callers adjust what differs."""
    pid = ids.next("participants")
    first = names.first_name(rng, sex)
    return Person(
        pid, participant_ssn(pid), first, last_name, sex, born, None, False, "VERIFIED", ""
    )


def randomize_status(rng: random.Random, person: Person, youngest_child: date | None) -> None:
    """Random SSN verification, FVI and, for a parent (youngest child given), death."""
    person.verification = verification(rng)
    person.fvi = rng.random() < FVI_SHARE
    if youngest_child is not None and rng.random() < DEATH_SHARE:
        person.died = death_after(rng, youngest_child)


def participant_row(person: Person) -> Row:
    return {
        "id": person.id,
        "ssn": person.ssn,
        "ssn_verification": person.verification,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.born,
        "date_of_death": person.died,
        "sex": person.sex,
        "family_violence": person.fvi,
    }


def misidentified_rows(
    rng: random.Random, ids: Ids, person: Person, states: tuple[str, ...], count: int
) -> list[Row]:
    """`count` SSNs wrongly tied to `person`, each reported by a state holding one of its cases."""
    rows: list[Row] = []
    for _ in range(count):
        row_id = ids.next("misidentified_ssns")
        reported = between(rng, date(2012, 1, 1), days_after(TODAY, -1))
        rows.append(_misidentified(row_id, person, rng.choice(states), reported))
    return rows


def _misidentified(row_id: int, person: Person, state: str, reported: date) -> Row:
    return {
        "id": row_id,
        "participant_id": person.id,
        "ssn": stray_ssn(row_id),
        "reported_by": state,
        "reported_on": reported,
    }


def home_state_of(jurisdiction: str, rng: random.Random, moved_share: float) -> str:
    """Postal state a party lives in: usually where the case is, sometimes elsewhere."""
    if rng.random() < moved_share:
        return postal_state(rng)
    return POSTAL[jurisdiction]
