"""The stream of families, each turned into rows of all three databases, in batches."""

from __future__ import annotations

import random
from collections.abc import Iterator

from demo_data.addresses import SOURCES, participant_address_rows, sources_for
from demo_data.cases import Family, build_family, random_plan, role_rows
from demo_data.employers import EmployerDirectory
from demo_data.employment import Employment, jobs_for, new_hire_rows, wage_rows
from demo_data.ids import Ids
from demo_data.offsets import certification_rows
from demo_data.people import MISIDENTIFIED_SHARE, Person, misidentified_rows, participant_row
from demo_data.places import is_tribal
from demo_data.rows import Batch
from demo_data.scenarios import SCENARIO_PARTICIPANTS, SCENARIOS, FamilyPlan, Trait


def family_plans(rng: random.Random, participants: int) -> Iterator[FamilyPlan]:
    """The scripted families, then random ones until exactly `participants` people exist."""
    yield from SCENARIOS
    remaining = participants - SCENARIO_PARTICIPANTS
    while remaining > 0:
        plan = random_plan(rng, remaining)
        remaining -= plan.size
        yield plan


def participant_batches(
    rng: random.Random, participants: int, directory: EmployerDirectory, batch_size: int
) -> Iterator[Batch]:
    """Batches of whole families holding at least `batch_size` participants (the last fewer)."""
    ids, batch = Ids(), Batch()
    for plan in family_plans(rng, participants):
        add_family(rng, ids, batch, build_family(rng, ids, plan), directory)
        if batch.participants >= batch_size:
            yield batch
            batch = Batch()
    if batch.participants:
        yield batch


def add_family(
    rng: random.Random, ids: Ids, batch: Batch, family: Family, directory: EmployerDirectory
) -> None:
    members = family.members()
    batch.participants += len(members)
    batch.add("participants", map(participant_row, members))
    batch.add("cases", (case.row for case in family.cases))
    batch.add("case_participants", role_rows(family))
    _add_adult(rng, ids, batch, family, family.parent, directory)
    for case in family.cases:
        _add_adult(rng, ids, batch, family, case.custodial, directory)
    certifications, offsets = certification_rows(rng, ids, family)
    batch.add("offset_certifications", certifications)
    batch.add("tax_refund_offsets", offsets)


def _add_adult(
    rng: random.Random,
    ids: Ids,
    batch: Batch,
    family: Family,
    person: Person,
    directory: EmployerDirectory,
) -> None:
    """Employment, locate addresses and misidentified SSNs of one parent."""
    employed = _add_employment(rng, ids, batch, family, person, directory)
    _add_addresses(rng, ids, batch, family, person, employed)
    states = _states_of(family, person)
    count = _misidentified_count(rng, family, person is family.parent)
    if states and count:
        batch.add("misidentified_ssns", misidentified_rows(rng, ids, person, states, count))


def _add_employment(
    rng: random.Random,
    ids: Ids,
    batch: Batch,
    family: Family,
    person: Person,
    directory: EmployerDirectory,
) -> bool:
    hire_odds = 0.5 if person is family.parent else 0.4
    jobs = jobs_for(rng, directory, _employment(family, person), hire_odds)
    batch.add("new_hires", new_hire_rows(rng, ids, person, jobs, directory))
    batch.add("quarterly_wages", wage_rows(rng, ids, person, jobs))
    return bool(jobs)


def _add_addresses(
    rng: random.Random, ids: Ids, batch: Batch, family: Family, person: Person, employed: bool
) -> None:
    noncustodial = person is family.parent
    if noncustodial and Trait.ALL_SOURCES in family.plan.traits:
        sources = list(SOURCES)
    else:
        sources = sources_for(rng, noncustodial=noncustodial, employed=employed)
    batch.add("participant_addresses", participant_address_rows(rng, ids, person, sources))


def _employment(family: Family, person: Person) -> Employment:
    traits = family.plan.traits
    if person.died is not None:
        return Employment.NONE
    if person is not family.parent:
        return Employment.RANDOM
    if Trait.NO_EMPLOYMENT in traits:
        return Employment.NONE
    return Employment.FIRST_EMPLOYER if Trait.FIRST_EMPLOYER in traits else Employment.RANDOM


def _states_of(family: Family, person: Person) -> tuple[str, ...]:
    """The states (not tribes) holding a case this parent is on."""
    if person is family.parent:
        return family.state_jurisdictions()
    codes = (case.jurisdiction for case in family.cases if case.custodial is person)
    return tuple(code for code in codes if not is_tribal(code))


def _misidentified_count(rng: random.Random, family: Family, noncustodial: bool) -> int:
    if noncustodial and Trait.MISIDENTIFIED in family.plan.traits:
        return 2
    return 1 if rng.random() < MISIDENTIFIED_SHARE else 0
