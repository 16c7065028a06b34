"""Latency statistics of a list of durations."""

from __future__ import annotations

from dataclasses import dataclass


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
    def p99_ms(self) -> float:
        return self.percentile_ms(0.99)

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000 if self.seconds else float("nan")

    @property
    def mean_ms(self) -> float:
        return sum(self.seconds) / len(self.seconds) * 1000 if self.seconds else float("nan")
