"""Rate-limit budgets counted in this process (no Redis, or Redis unreachable)."""

from __future__ import annotations

import time
from collections.abc import Callable

from datasources.rate_limiter import Allowance, Spent, gcra_step

PRUNE_EVERY = 4096
"""Spends between two sweeps of the keys whose bucket is full again (a TAT in the past)."""


class InProcessRateLimiter:
    """GCRA over a dict of TATs; asyncio runs each `spend` whole, so it is atomic here."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tats: dict[str, float] = {}
        self._spends = 0

    async def spend(self, key: str, allowance: Allowance) -> Spent:
        now = self._clock()
        spent, new_tat = gcra_step(self._tats.get(key), now, allowance)
        if new_tat is not None:
            self._tats[key] = new_tat
        self._spends += 1
        if self._spends % PRUNE_EVERY == 0:
            self._prune(now)
        return spent

    def _prune(self, now: float) -> None:
        """Forget keys whose TAT is past: a full bucket is the same as no entry."""
        self._tats = {key: tat for key, tat in self._tats.items() if tat > now}

    @property
    def keys(self) -> int:
        """How many keys are held (bounded by the sweeps)."""
        return len(self._tats)

    async def close(self) -> None:
        self._tats.clear()
