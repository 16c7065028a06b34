"""Bounded measurement loops (a count and a time cap) and latency statistics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """At most `count` calls, and none started after `seconds` have passed."""

    count: int
    seconds: float
    warmup: int = 3


@dataclass(frozen=True)
class Latencies:
    """Per-call durations in seconds, and the wall time the whole run took."""

    seconds: tuple[float, ...]
    wall: float

    @property
    def count(self) -> int:
        return len(self.seconds)

    @property
    def per_second(self) -> float:
        return self.count / self.wall if self.wall > 0 else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(0.50)

    @property
    def p95_ms(self) -> float:
        return self.percentile_ms(0.95)

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000 if self.seconds else float("nan")

    @property
    def mean_ms(self) -> float:
        return sum(self.seconds) / len(self.seconds) * 1000 if self.seconds else float("nan")


Call = Callable[[], Awaitable[object]]


async def _timed(call: Call) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def run_sequential(call: Call, budget: Budget) -> Latencies:
    """Call one after another until the count or the time cap is reached."""
    for _ in range(budget.warmup):
        await call()
    durations: list[float] = []
    start = time.perf_counter()
    deadline = start + budget.seconds
    while len(durations) < budget.count and time.perf_counter() < deadline:
        durations.append(await _timed(call))
    return Latencies(tuple(durations), time.perf_counter() - start)


async def run_concurrent(call: Call, budget: Budget, concurrency: int) -> Latencies:
    """`concurrency` workers share the budget; each call's latency is its own."""
    await asyncio.gather(*(call() for _ in range(min(budget.warmup * concurrency, 64))))
    durations: list[float] = []
    issued = 0
    start = time.perf_counter()
    deadline = start + budget.seconds

    async def worker() -> None:
        nonlocal issued
        while issued < budget.count and time.perf_counter() < deadline:
            issued += 1
            durations.append(await _timed(call))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Latencies(tuple(durations), time.perf_counter() - start)


def measure_sync(call: Callable[[], object], budget: Budget) -> Latencies:
    """The synchronous counterpart of `run_sequential`."""
    for _ in range(budget.warmup):
        call()
    durations: list[float] = []
    start = time.perf_counter()
    deadline = start + budget.seconds
    while len(durations) < budget.count and time.perf_counter() < deadline:
        began = time.perf_counter()
        call()
        durations.append(time.perf_counter() - began)
    return Latencies(tuple(durations), time.perf_counter() - start)
