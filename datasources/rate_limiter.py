"""Where rate-limit budgets are counted: the Protocol, and the algorithm both adapters run.

The algorithm is GCRA (the generic cell rate algorithm, a leaky bucket kept as one
timestamp per key): a key's *theoretical arrival time* (TAT) moves `interval` seconds
forward for every unit spent, and a unit may be spent while the TAT stays within
`burst × interval` of now. So a budget admits `burst` units at once and one more every
`interval` seconds after that, and what a refusal must wait for (`retry_after`) is
exact. It needs one number per key, which one Lua script in Redis reads and writes
atomically (`datasources.redis_rate_limits`), and the same step in-process
(`datasources.memory_rate_limits`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

CLOCK_RESOLUTION = 1e-6
"""Seconds: the resolution Redis counts in (µs), and below which a wait is float noise."""


class RateLimiterUnavailable(Exception):
    """The store that counts the budgets cannot be reached; nothing was counted."""


@dataclass(frozen=True)
class Allowance:
    """A GCRA budget: `burst` units at once, then one unit every `interval` seconds."""

    burst: int
    interval: float

    @property
    def tolerance(self) -> float:
        """How far ahead of now a key's TAT may run: the burst, in seconds."""
        return self.burst * self.interval


@dataclass(frozen=True)
class Spent:
    """The outcome of spending one unit: allowed, or refused for `retry_after` seconds."""

    allowed: bool
    retry_after: float = 0.0


def gcra_step(tat: float | None, now: float, allowance: Allowance) -> tuple[Spent, float | None]:
    """Spend one unit against a key whose TAT is `tat` (None: never seen, or expired).

    Returns the outcome and the key's new TAT (None: unchanged, on a refusal).
    """
    start = now if tat is None or tat < now else tat
    new_tat = start + allowance.interval
    wait = (new_tat - now) - allowance.tolerance
    if wait > CLOCK_RESOLUTION:  # not a rounding error of the floats
        return Spent(allowed=False, retry_after=wait), None
    return Spent(allowed=True), new_tat


class RateLimiter(Protocol):
    """Counts budgets by key; every spend is atomic among all who share the limiter."""

    async def spend(self, key: str, allowance: Allowance) -> Spent:
        """Spend one unit of `key`'s allowance, or refuse it with the wait in seconds.

        Raises:
            RateLimiterUnavailable: the store could not be reached; nothing was spent.
        """
        ...

    async def close(self) -> None:
        """Release the limiter's connections; the limiter is not used afterwards."""
        ...


PERIODS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
ANY_ROLE = "*"
"""The budget of a role the table does not name."""


def parse_allowance(text: str) -> Allowance:
    """`COUNT/PERIOD:BURST`, e.g. `300/d:50`: 300 a day, up to 50 at once.

    Raises:
        ValueError: not of that form, or a count or burst below 1.
    """
    rate, _, burst = text.strip().partition(":")
    count, _, period = rate.partition("/")
    seconds = PERIODS.get(period.strip())
    if seconds is None or not count.strip().isdigit() or not burst.strip().isdigit():
        raise ValueError("expected COUNT/PERIOD:BURST with PERIOD one of s, m, h, d")
    if int(count) < 1 or int(burst) < 1:
        raise ValueError("a budget's count and burst are at least 1")
    return Allowance(burst=int(burst), interval=seconds / int(count))


def parse_allowances(text: str) -> dict[str, Allowance]:
    """`ROLE=COUNT/PERIOD:BURST,...`; `*` is every role not named, and must be present.

    Raises:
        ValueError: an entry is not of that form, or `*` is missing.
    """
    table: dict[str, Allowance] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        role, equals, allowance = entry.partition("=")
        if not equals or not role.strip():
            raise ValueError("expected ROLE=COUNT/PERIOD:BURST")
        table[role.strip()] = parse_allowance(allowance)
    if ANY_ROLE not in table:
        raise ValueError(f"the budgets need a default entry `{ANY_ROLE}=...`")
    return table
