"""The audit write's cost: the same hub with and without appending its audit events.

`HUB_AUDIT_DISCARD=on` (development mode only) swaps the audit trail for one that drops
what it is given; both hubs of this measurement run in development mode, so the only
difference between them is the write.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import settings as hub_settings
from bench.hub_processes import hub_process
from bench.recording import ratio
from bench.report import Report
from bench.scenarios import OCSS_STAFF, Scenario
from bench.throughput import alternate, warm_up
from settings import Settings

SWITCH = "HUB_AUDIT_DISCARD"
AUDIT_OVER_DISCARD_CPU = 1.10
WRITING = "hub, audit written"
DISCARDING = "hub, audit discarded"


def hub_has_switch() -> bool:
    return any(setting.env == SWITCH for setting in hub_settings.SETTINGS)


def measure_audit_cost(
    settings: Settings,
    states_url: str,
    scenarios: Sequence[Scenario],
    args: argparse.Namespace,
    report: Report,
) -> None:
    """Both hubs alternately under wrk, on the ocss_staff scenarios (every read audited)."""
    title = "Audit write cost"
    if not hub_has_switch():
        report.table(
            title,
            ["measurement", "figure"],
            [["audit write", f"not measured: the hub has no {SWITCH}"]],
        )
        return
    measured = [s for s in scenarios if s.persona == OCSS_STAFF]
    development = {"HUB_ENV": "development"}
    with tempfile.TemporaryDirectory(prefix="hub-bench-audit-") as tmp:
        with (
            hub_process(
                settings,
                data_dir=Path(tmp) / "writing",
                states_url=states_url,
                extra_env={**development, SWITCH: "off"},
                name=WRITING,
            ) as writing,
            hub_process(
                settings,
                data_dir=Path(tmp) / "discarding",
                states_url=states_url,
                extra_env={**development, SWITCH: "on"},
                name=DISCARDING,
            ) as discarding,
        ):
            warm_up([writing, discarding], measured)
            table = alternate(
                [writing, discarding], measured, rounds=args.rounds, seconds=args.duration
            )
    rows = []
    for scenario in measured:
        written = table[(scenario.label, WRITING)]
        dropped = table[(scenario.label, DISCARDING)]
        cost = ratio(written.cpu_ms_per_request, dropped.cpu_ms_per_request)
        mark = "meets" if cost <= AUDIT_OVER_DISCARD_CPU else "misses"
        rows.append(
            [
                scenario.label,
                f"{written.cpu_ms_per_request:.2f}",
                f"{dropped.cpu_ms_per_request:.2f}",
                f"{(cost - 1) * 100:+.1f}% ({mark} <= +{(AUDIT_OVER_DISCARD_CPU - 1) * 100:.0f}%)",
                f"{written.per_second:,.1f} / {dropped.per_second:,.1f}",
            ]
        )
    report.table(
        title,
        [
            "scenario",
            "CPU ms/request, written",
            "CPU ms/request, discarded",
            "audit write cost",
            "req/s written / discarded",
        ],
        rows,
        intro=f"Two development-mode hubs, alternately, {SWITCH}=off and on.",
    )
