"""Violations collected over a run, each class with the request that shows it, shrunk.

`explore` feeds a hypothesis strategy's examples to a sender through `hypothesis.find`
with a condition that records and never holds, so every example runs (seeded: the same
requests on every run). `shrink` replays one recorded example and lets hypothesis's
shrinker minimise it while it still shows its class; it starts from the recorded
choices by putting them in an in-memory example database under the secondary key,
where hypothesis shrinks what it replays (the primary key holds already-shrunk cases).
"""

from __future__ import annotations

import pickle
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from random import Random
from typing import Generic, TypeVar

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.database import InMemoryExampleDatabase, choices_to_bytes
from hypothesis.errors import (
    Flaky,
    HypothesisDeprecationWarning,
    HypothesisWarning,
    NoSuchExample,
)

from tests.hostile.invariants import Kind, Violation

P = TypeVar("P")
Choices = tuple[object, ...]

UNSHRINKABLE = frozenset({Kind.HUB_DOWN, Kind.NO_ANSWER, Kind.SLOW})
"""Classes whose replay would hammer a hub that is already struggling."""
KEY = b"hostile"


@dataclass
class Example(Generic[P]):
    probe: P
    detail: str
    choices: Choices | None = None
    shrunk: P | None = None


@dataclass
class Findings(Generic[P]):
    """Every violation of a run, grouped by class, with the first request of each."""

    describe: Callable[[P], str]
    sent: int = 0
    seconds: float = 0.0
    counts: dict[Kind, int] = field(default_factory=dict)
    first: dict[Kind, Example[P]] = field(default_factory=dict)
    shapes: dict[Kind, dict[str, int]] = field(default_factory=dict)
    stopped: str | None = None
    sent_shapes: dict[str, int] = field(default_factory=dict)

    def record(self, probe: P, violations: list[Violation], choices: Choices | None = None) -> None:
        self.sent += 1
        kind = self.describe(probe)[:24]
        self.sent_shapes[kind] = self.sent_shapes.get(kind, 0) + 1
        for violation in violations:
            self.counts[violation.kind] = self.counts.get(violation.kind, 0) + 1
            self.first.setdefault(violation.kind, Example(probe, violation.detail, choices))
            shape = self.describe(probe)[:60]
            shapes = self.shapes.setdefault(violation.kind, {})
            shapes[shape] = shapes.get(shape, 0) + 1

    def summary(self, title: str) -> str:
        lines = [
            f"{title}: {sum(self.counts.values())} violations in {len(self.counts)} classes "
            f"({self.sent} requests, {self.seconds:.1f} s)"
        ]
        lines.append(
            "sent: " + ", ".join(f"{n}x {shape}" for shape, n in sorted(self.sent_shapes.items()))
        )
        if self.stopped:
            lines.append(f"STOPPED EARLY: {self.stopped}")
        for kind, number in sorted(self.counts.items(), key=lambda item: -item[1]):
            example = self.first[kind]
            lines.append(f"\n[{kind}] {number}x; first: {example.detail}")
            lines.append(f"  request: {self.describe(example.probe)}")
            if example.shrunk is not None:
                lines.append(f"  shrunk:  {self.describe(example.shrunk)}")
            common = sorted(self.shapes[kind].items(), key=lambda item: -item[1])[:4]
            lines.append("  shapes:  " + "; ".join(f"{n}x {shape}" for shape, n in common))
        return "\n".join(lines)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence two notes of hypothesis that do not apply here.

    It warns when it prints a large example (the report prints its own, clipped), and
    when the global `random` changes while it draws: the hub's server thread and the
    socket libraries use `random` concurrently, and the draws themselves do not.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisWarning)
        warnings.simplefilter("ignore", HypothesisDeprecationWarning)
        yield


def _settings(
    examples: int, phases: list[Phase], database: InMemoryExampleDatabase | None
) -> settings:
    return settings(
        max_examples=examples,
        phases=phases,
        database=database,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def explore(
    strategy: st.SearchStrategy[P],
    send: Callable[[P], list[Violation]],
    findings: Findings[P],
    *,
    examples: int,
    seed: int,
    budget_seconds: float,
    stop: Callable[[P, list[Violation]], str | None],
) -> None:
    """Send `examples` generated probes (fewer past the budget or a stop) and record them."""
    started = time.monotonic()

    def condition(probe: P) -> bool:
        if findings.stopped or time.monotonic() - started > budget_seconds:
            return False
        violations = send(probe)
        findings.record(probe, violations, current_build_context().data.choices)
        findings.stopped = stop(probe, violations)
        return False

    try:
        with _quiet():
            find(
                strategy,
                condition,
                settings=_settings(examples, [Phase.generate], None),
                random=Random(seed),
            )
    except NoSuchExample:
        pass
    findings.seconds += time.monotonic() - started


def shrink(
    strategy: st.SearchStrategy[P],
    send: Callable[[P], list[Violation]],
    findings: Findings[P],
    *,
    budget_seconds: float,
) -> None:
    """Minimise each recorded class's first example while it still shows that class."""
    for kind, example in findings.first.items():
        if kind in UNSHRINKABLE or example.choices is None or findings.stopped:
            continue
        database = InMemoryExampleDatabase()
        database.save(KEY + b".secondary", choices_to_bytes(example.choices))  # type: ignore[arg-type]
        deadline = time.monotonic() + budget_seconds

        seen: dict[bytes, bool] = {}

        def condition(
            probe: P, kind: Kind = kind, deadline: float = deadline, seen: dict[bytes, bool] = seen
        ) -> bool:
            # the same request is judged once: hypothesis replays its best example at the
            # end, and the hub's data (or the clock) may have moved on since
            key = pickle.dumps(probe)
            if key not in seen:
                shows = time.monotonic() < deadline and kind in {v.kind for v in send(probe)}
                seen[key] = shows
            return seen[key]

        try:
            with _quiet():
                example.shrunk = find(
                    strategy,
                    condition,
                    settings=_settings(1000, [Phase.reuse, Phase.shrink], database),
                    database_key=KEY,
                )
        except (NoSuchExample, Flaky):
            example.shrunk = None
