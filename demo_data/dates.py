"""The fixed "today" of the demo data, and random dates and calendar quarters around it."""

from __future__ import annotations

import random
from datetime import date, timedelta

TODAY = date(2026, 11, 23)
_DAYS_PER_YEAR = 365.2425


def between(rng: random.Random, lo: date, hi: date) -> date:
    """A uniformly random day from lo to hi inclusive (hi is raised to lo if earlier)."""
    start = lo.toordinal()
    return date.fromordinal(rng.randint(start, max(start, hi.toordinal())))


def years_after(day: date, years: float) -> date:
    return day + timedelta(days=round(years * _DAYS_PER_YEAR))


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def clamp(day: date, lo: date, hi: date) -> date:
    return max(lo, min(hi, day))


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def recent_quarters(count: int = 8) -> tuple[tuple[int, int], ...]:
    """The last `count` completed calendar quarters before TODAY, oldest first."""
    found = [_previous_quarter(TODAY.year, (TODAY.month - 1) // 3 + 1)]
    while len(found) < count:
        found.append(_previous_quarter(*found[-1]))
    return tuple(reversed(found))


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return quarter_start(year, quarter + 1) - timedelta(days=1)
