"""Postal addresses: participants' locate addresses by source, and employers' addresses."""

from __future__ import annotations

import random
from datetime import date

import demo_data.names as names
from demo_data.dates import TODAY, between, days_after, years_after
from demo_data.ids import Ids
from demo_data.people import Person
from demo_data.places import city_zip, postal_state
from demo_data.rows import Row

SOURCES = ("STATE", "NDNH", "IRS", "DOD", "SSA", "EMPLOYER", "INSURER")
# Chance that a source reports an address for an adult, besides the state's own.
_ODDS = {"DOD": 0.03, "SSA": 0.12, "INSURER": 0.06}


def postal_fields(rng: random.Random, state: str, *, unit_share: float = 0.25) -> Row:
    city, zip_code = city_zip(rng, state)
    line2 = names.unit_line(rng) if rng.random() < unit_share else None
    return {
        "line1": names.street_line(rng),
        "line2": line2,
        "city": city,
        "state": state,
        "zip": zip_code,
    }


def sources_for(rng: random.Random, *, noncustodial: bool, employed: bool) -> list[str]:
    """The sources reporting an address of one adult; the state's registry always does."""
    found = ["STATE"]
    if employed and rng.random() < 0.9:
        found.append("NDNH")
    if rng.random() < (0.55 if noncustodial else 0.25):
        found.append("IRS")
    found += [source for source, odds in _ODDS.items() if rng.random() < odds]
    if rng.random() < (0.25 if employed else 0.03):
        found.append("EMPLOYER")
    return found


def participant_address_rows(
    rng: random.Random, ids: Ids, person: Person, sources: list[str]
) -> list[Row]:
    """One address per source: the current home mostly, an earlier one sometimes."""
    last_day = person.died or days_after(TODAY, -1)
    current = postal_fields(rng, person.home_state)
    earlier: list[Row] = []
    rows: list[Row] = []
    for source in sources:
        postal, reported = _known_address(rng, person, current, earlier, last_day)
        rows.append(_reported(ids, person, postal, source, reported))
    return rows


def _known_address(
    rng: random.Random, person: Person, current: Row, earlier: list[Row], last_day: date
) -> tuple[Row, date]:
    """The current address reported lately, or the (one) earlier address reported years ago."""
    if rng.random() < 0.75:
        return current, between(rng, years_after(last_day, -2), last_day)
    if not earlier:
        earlier.append(postal_fields(rng, _earlier_state(rng, person)))
    return earlier[0], between(rng, years_after(last_day, -8), years_after(last_day, -2))


def _earlier_state(rng: random.Random, person: Person) -> str:
    return postal_state(rng) if rng.random() < 0.3 else person.home_state


def _reported(ids: Ids, person: Person, postal: Row, source: str, reported: date) -> Row:
    row_id = ids.next("participant_addresses")
    return {
        "id": row_id,
        "participant_id": person.id,
        **postal,
        "source": source,
        "reported_on": reported,
    }
