"""NDNH employment of participants: new hire reports and quarterly wages, keyed by SSN."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from demo_data.dates import (
    TODAY,
    between,
    days_after,
    quarter_end,
    quarter_start,
    recent_quarters,
    years_after,
)
from demo_data.employers import EmployerDirectory
from demo_data.ids import Ids
from demo_data.people import Person
from demo_data.rows import Row

QUARTERS = recent_quarters(8)
_HIRE_WINDOW = (days_after(TODAY, -730), days_after(TODAY, -2))  # NDNH keeps 24 months
_CENT = Decimal("0.01")


class Employment(Enum):
    RANDOM = "random"
    NONE = "none"
    FIRST_EMPLOYER = "first_employer"


@dataclass(frozen=True, slots=True)
class Job:
    employer_id: int
    hired: date
    until: date
    reported: bool  # hired within the NDNH window, so a new hire report exists


def jobs_for(
    rng: random.Random, directory: EmployerDirectory, mode: Employment, hire_odds: float
) -> list[Job]:
    """Recent hires (each job lasting until the next), or one long-held job, or none."""
    if mode is Employment.NONE:
        return []
    draw = rng.random()
    if mode is Employment.FIRST_EMPLOYER or draw < hire_odds:
        return _recent_jobs(rng, directory, mode is Employment.FIRST_EMPLOYER)
    if draw < hire_odds + 0.15:
        hired = between(rng, years_after(TODAY, -12), days_after(_HIRE_WINDOW[0], -1))
        return [Job(directory.pick(rng), hired, TODAY, False)]
    return []


def _recent_jobs(rng: random.Random, directory: EmployerDirectory, first: bool) -> list[Job]:
    hired = sorted(between(rng, *_HIRE_WINDOW) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))
    employers = [directory.pick(rng) for _ in hired]
    if first:
        employers[0] = 1
    ends = [*hired[1:], TODAY]
    return [Job(e, h, u, True) for e, h, u in zip(employers, hired, ends, strict=True)]


def new_hire_rows(
    rng: random.Random, ids: Ids, person: Person, jobs: list[Job], directory: EmployerDirectory
) -> list[Row]:
    return [_new_hire(rng, ids, person, job, directory) for job in jobs if job.reported]


def _new_hire(
    rng: random.Random, ids: Ids, person: Person, job: Job, directory: EmployerDirectory
) -> Row:
    state = directory.state_of(job.employer_id) if rng.random() < 0.8 else person.home_state
    return {
        "id": ids.next("new_hires"),
        "employee_ssn": person.ssn,
        "employer_id": job.employer_id,
        "hire_date": job.hired,
        "reported_on": min(days_after(job.hired, rng.randint(1, 20)), TODAY),
        "state": state,
    }


def wage_rows(rng: random.Random, ids: Ids, person: Person, jobs: list[Job]) -> list[Row]:
    """Wages per job for each of the last eight quarters it overlaps (a few quarters missing)."""
    quarterly = rng.lognormvariate(9.15, 0.45)  # about $9,400 a quarter, spread
    rows: list[Row] = []
    for job in jobs:
        for year, quarter in QUARTERS:
            share = _worked_share(job, year, quarter)
            if share > 0 and rng.random() < 0.95:
                amount = quarterly * share * rng.uniform(0.85, 1.15)
                rows.append(_wage(ids, person, job, year, quarter, amount))
    return rows


def _worked_share(job: Job, year: int, quarter: int) -> float:
    start, end = quarter_start(year, quarter), quarter_end(year, quarter)
    days = (min(end, job.until) - max(start, job.hired)).days + 1
    return max(0, days) / ((end - start).days + 1)


def _wage(ids: Ids, person: Person, job: Job, year: int, quarter: int, amount: float) -> Row:
    return {
        "id": ids.next("quarterly_wages"),
        "employee_ssn": person.ssn,
        "employer_id": job.employer_id,
        "year": year,
        "quarter": quarter,
        "amount": Decimal(max(amount, 1.0)).quantize(_CENT),
    }
