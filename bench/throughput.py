"""The servers under wrk, alternately: a few rounds, each scenario on each server in turn."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.hub_processes import ServerProcess
from bench.load_generator import Run, run_wrk
from bench.scenarios import Scenario

WARMUP_SECONDS = 2.0


@dataclass
class Figures:
    """One scenario on one server, over every round."""

    runs: list[Run] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(run.requests for run in self.runs)

    @property
    def per_second(self) -> float:
        seconds = sum(run.seconds for run in self.runs)
        return self.requests / seconds if seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        cpu = sum(run.cpu_seconds for run in self.runs)
        return cpu / self.requests * 1000 if self.requests else float("nan")

    @property
    def p50_ms(self) -> float:
        """The median of the rounds' medians."""
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)


Table = dict[tuple[str, str], Figures]


def warm_up(servers: Sequence[ServerProcess], scenarios: Sequence[Scenario]) -> None:
    """A short unmeasured run of every scenario on every server (caches, pools, JIT)."""
    for scenario in scenarios:
        for server in servers:
            run_wrk(server.url, server.pid, scenario.body, scenario.token, seconds=WARMUP_SECONDS)


def alternate(
    servers: Sequence[ServerProcess],
    scenarios: Sequence[Scenario],
    *,
    rounds: int,
    seconds: float,
    progress: bool = True,
) -> Table:
    """`rounds` x every scenario x every server, `seconds` each; figures by (scenario, server)."""
    table: Table = {}
    for number in range(1, rounds + 1):
        for scenario in scenarios:
            for server in servers:
                run = run_wrk(
                    server.url, server.pid, scenario.body, scenario.token, seconds=seconds
                )
                table.setdefault((scenario.label, server.name), Figures()).runs.append(run)
                if progress:
                    print(
                        f"bench: round {number}/{rounds} {scenario.label} on {server.name}: "
                        f"{run.per_second:,.1f} req/s, "
                        f"{run.cpu_seconds / max(run.requests, 1) * 1000:.2f} ms CPU/request",
                        flush=True,
                    )
    return table
