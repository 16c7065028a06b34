"""The measurements as the report's tables, with the issue's targets beside the ratios."""

from __future__ import annotations

from collections.abc import Sequence

from bench.answers import Comparison
from bench.peers import APOLLO, BASELINE
from bench.report import Report
from bench.scale import ScalePoint
from bench.scenarios import OCSS_STAFF, STATE_WORKER, Scenario
from bench.throughput import Table

HUB = "hub"
STANDARD_HUB = "hub, standard path"
SERVERS = (HUB, STANDARD_HUB, APOLLO, BASELINE)
SERVER_NAMES = {
    HUB: "the hub (`hub serve`)",
    STANDARD_HUB: "the hub, HUB_COMPILED_PLANS=off",
    APOLLO: "Apollo Server 5 + pg + DataLoader",
    BASELINE: "hand-written Starlette + asyncpg + orjson",
}
# issue 10's targets
HUB_OVER_APOLLO_RPS = 2.0
HUB_OVER_BASELINE_CPU = 5.0
STRETCH_HUB_OVER_BASELINE_RPS = 0.5
RESTRICTED_OVER_STAFF_CPU = 1.15


def _mark(met: bool) -> str:
    return "meets" if met else "misses"


def _at_least(value: float, target: float, spec: str = ".1f") -> str:
    return f"{value:{spec}} ({_mark(value >= target)} >= {target:g})"


def _at_most(value: float, target: float, spec: str = ".1f") -> str:
    return f"{value:{spec}} ({_mark(value <= target)} <= {target:g})"


def record_answers(report: Report, comparisons: Sequence[Comparison]) -> None:
    rows = [[c.scenario.label, c.peer, c.verdict, c.detail] for c in comparisons]
    report.table(
        "Same answers",
        ["scenario", "peer", "against the hub's answer", "where"],
        rows,
        intro="Each scenario's HTTP body from each peer, set against the hub's.",
    )
    for comparison in comparisons:
        if comparison.semantic:
            report.fail(
                f"{comparison.peer} differs from the hub on {comparison.scenario.label}: "
                f"{comparison.detail}"
            )


def ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, NaN when there is nothing to divide by."""
    return numerator / denominator if denominator else float("nan")


def _measured(table: Table) -> list[str]:
    return [server for server in SERVERS if any(name == server for _, name in table)]


def record_throughput(report: Report, table: Table, scenarios: Sequence[Scenario]) -> None:
    rows = []
    for scenario in scenarios:
        for server in _measured(table):
            figures = table[(scenario.label, server)]
            rows.append(
                [
                    scenario.label,
                    SERVER_NAMES[server],
                    f"{figures.per_second:,.1f}",
                    f"{figures.p50_ms:,.1f}",
                    f"{figures.p99_ms:,.1f}",
                    f"{figures.cpu_ms_per_request:.2f}",
                    f"{figures.requests:,}",
                ]
            )
            if not figures.requests:
                report.fail(f"{server} completed no request of {scenario.label}")
            if figures.errors:
                report.fail(
                    f"{server} answered {figures.errors} errors under load: {scenario.label}"
                )
    report.table(
        "Throughput",
        ["scenario", "server", "req/s", "p50 ms", "p99 ms", "CPU ms/request", "requests"],
        rows,
    )
    ratios = []
    for scenario in scenarios:
        hub = table[(scenario.label, HUB)]
        apollo = table[(scenario.label, APOLLO)]
        baseline = table[(scenario.label, BASELINE)]
        ratios.append(
            [
                scenario.label,
                _at_least(ratio(hub.per_second, apollo.per_second), HUB_OVER_APOLLO_RPS, ".2f"),
                _at_most(
                    ratio(hub.cpu_ms_per_request, baseline.cpu_ms_per_request),
                    HUB_OVER_BASELINE_CPU,
                ),
                "stretch "
                + _at_least(
                    ratio(hub.per_second, baseline.per_second),
                    STRETCH_HUB_OVER_BASELINE_RPS,
                    ".3f",
                ),
                f"{ratio(hub.cpu_ms_per_request, apollo.cpu_ms_per_request):.1f}",
            ]
        )
    report.table(
        "Ratios",
        [
            "scenario",
            "hub / Apollo req/s",
            "hub / baseline CPU per request",
            "hub / baseline req/s",
            "hub / Apollo CPU per request",
        ],
        ratios,
        intro="Targets of issue 10 in parentheses.",
    )
    record_authorization(report, table, scenarios)


def record_authorization(report: Report, table: Table, scenarios: Sequence[Scenario]) -> None:
    """The restricted role against ocss_staff, per operation, on each server."""
    rows = []
    for operation in dict.fromkeys(s.operation for s in scenarios):
        staff = f"{operation}, {OCSS_STAFF.name}"
        restricted = f"{operation}, {STATE_WORKER.name}"
        cells = [operation]
        for server in _measured(table):
            cost = ratio(
                table[(restricted, server)].cpu_ms_per_request,
                table[(staff, server)].cpu_ms_per_request,
            )
            if server == HUB:
                cells.append(_at_most(cost, RESTRICTED_OVER_STAFF_CPU, ".2f"))
            else:
                cells.append(f"{cost:.2f}")
        rows.append(cells)
    report.table(
        "Authorization cost",
        [
            "operation",
            *(f"{SERVER_NAMES[s]}: restricted / ocss_staff CPU" for s in _measured(table)),
        ],
        rows,
        intro=(
            f"CPU per request as {STATE_WORKER.name} (another state's cases: masked SSNs, "
            f"refused fields) over CPU per request as {OCSS_STAFF.name} (everything readable)."
        ),
    )


def record_scale(report: Report, points: Sequence[ScalePoint]) -> None:
    rows = [
        [
            f"{point.participants:,}",
            f"{point.seed_seconds:.1f}",
            f"{point.run.p50_ms:,.1f}",
            f"{point.run.p99_ms:,.1f}",
            f"{point.run.requests:,}",
        ]
        for point in points
    ]
    report.table(
        "The 50-case view over more participants",
        ["participants", "seeding s (generate_series)", "p50 ms", "p99 ms", "requests"],
        rows,
        intro=(
            f"The hub alone, as {OCSS_STAFF.name}, one connection (wrk -c1); fresh databases "
            "per size, 4 people a case (bench/scale_data.py)."
        ),
    )
    for point in points:
        if point.run.errors:
            report.fail(
                f"the 50-case view at {point.participants:,} participants: "
                f"{point.run.errors} errors"
            )
