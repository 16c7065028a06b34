"""`python -m bench`: the hub against two peers on the same data, in one run (issue 10).

1. Fresh PostgreSQL databases with the hub's demo data (795 cases), and the peers' copy.
2. `hub serve`, the hand-written peer (bench/baseline_peer.py) and the Apollo Server peer
   (bench/apollo/), one process each, on loopback.
3. The answers of all three compared, byte for byte (a semantic difference fails the run).
4. wrk against each in turn, a few rounds: req/s, p50/p99, CPU per request, the ratios;
   the authorization and audit costs.
5. 1,000 WebSocket subscribers across two hub processes on Redis; the 50-case view over
   10,000 and 1,000,000 participants.
The report is printed and written to bench/results/latest.md; the exit status is 1 when
anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.answers import compare
from bench.costs import measure_audit_cost
from bench.databases import DEFAULT_PARTICIPANTS, PreparedHub, fresh_databases, postgres_hub
from bench.hub_processes import hub_process
from bench.notice_cases import measure_two_processes
from bench.notices import DEFAULT_NOTICES, DEFAULT_SUBSCRIBERS
from bench.peer_tables import copy_hub_tables
from bench.peers import apollo_peer, baseline_peer
from bench.recording import STANDARD_HUB, record_answers, record_scale, record_throughput
from bench.report import Report, load_average, machine_info, publish, render
from bench.scale import measure_scale
from bench.scenarios import STATE_WORKER, Scenario, other_states_case, scenarios
from bench.server import state_systems
from bench.throughput import alternate, warm_up
from tests.services.postgres import postgres_server_url

DEFAULT_SECONDS = 10.0
DEFAULT_ROUNDS = 2
DEFAULT_SCALE = (10_000, 1_000_000)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of participant counts") from None
    if not sizes or min(sizes) < 4:
        raise argparse.ArgumentTypeError("participant counts must be at least 4")
    return sizes


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_SECONDS,
        metavar="SECONDS",
        help=f"seconds of wrk per scenario, server and round (default {DEFAULT_SECONDS:g})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help=f"rounds of alternation over the servers (default {DEFAULT_ROUNDS})",
    )
    parser.add_argument(
        "--scale",
        type=_sizes,
        default=DEFAULT_SCALE,
        metavar="N[,N...]",
        help="participant counts for the 50-case view's latency "
        f"(default {','.join(str(n) for n in DEFAULT_SCALE)})",
    )
    parser.add_argument(
        "--subscribers",
        type=int,
        default=DEFAULT_SUBSCRIBERS,
        help=f"WebSocket subscribers to termination notices (default {DEFAULT_SUBSCRIBERS})",
    )
    parser.add_argument(
        "--notices",
        type=int,
        default=DEFAULT_NOTICES,
        help=f"notices reported, one at a time (default {DEFAULT_NOTICES})",
    )
    parser.add_argument(
        "--standard-path",
        action="store_true",
        help="also load a second hub with HUB_COMPILED_PLANS=off (about 2 minutes more)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="the PostgreSQL server to create the run's databases on "
        "(default: the test suite's, 127.0.0.1:5432)",
    )
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.notices < 1 or args.rounds < 1 or args.duration < 1:
        parser.error("--subscribers, --notices, --rounds and --duration must be at least 1")
    return args


def compare_and_load(
    hub: PreparedHub, peer_url: str, states_url: str, args: argparse.Namespace, report: Report
) -> list[Scenario]:
    """Steps 2 to 4 on the demo data."""
    case_id = asyncio.run(
        other_states_case(hub.settings.database_urls["fcr"], STATE_WORKER.jurisdiction)
    )
    measured = scenarios(hub.settings.token, case_id)
    with tempfile.TemporaryDirectory(prefix="hub-bench-servers-") as tmp:
        logs = Path(tmp)
        with (
            hub_process(hub.settings, data_dir=logs / "hub", states_url=states_url) as server,
            baseline_peer(hub.settings, peer_url, logs) as baseline,
            apollo_peer(hub.settings, peer_url, logs) as apollo,
            ExitStack() as optional,
        ):
            standard = (
                optional.enter_context(
                    hub_process(
                        hub.settings,
                        data_dir=logs / "standard",
                        states_url=states_url,
                        extra_env={"HUB_COMPILED_PLANS": "off"},
                        name=STANDARD_HUB,
                    )
                )
                if args.standard_path
                else None
            )
            print("bench: comparing answers", flush=True)
            peers = {apollo.name: apollo.url, baseline.name: baseline.url}
            if standard is not None:
                peers[standard.name] = standard.url
            comparisons = compare(server.url, peers, measured)
            record_answers(report, comparisons)
            servers = [server, *([standard] if standard else []), apollo, baseline]
            print("bench: warming up", flush=True)
            warm_up(servers, measured)
            table = alternate(servers, measured, rounds=args.rounds, seconds=args.duration)
            record_throughput(report, table, measured)
    measure_audit_cost(hub.settings, states_url, measured, args, report)
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    started = time.perf_counter()
    report = Report()
    load_before = load_average()
    server_url = args.postgres or postgres_server_url()
    with (
        postgres_hub(server_url, DEFAULT_PARTICIPANTS) as hub,
        fresh_databases(server_url, ("peer",), "peer") as peer,
        state_systems(0.0) as states_url,
    ):
        copied = asyncio.run(copy_hub_tables(hub.settings.database_urls, peer["peer"]))
        report.note(
            f"data: the hub's demo data ({DEFAULT_PARTICIPANTS:,} participants, seeded in "
            f"{hub.seed_seconds:.1f} s); the peers read a copy of the tables the two "
            f"operations need ({copied:,} rows, COPY into schema `peer` of a database of "
            "their own, bench/peer_tables.py)"
        )
        plans = "on" if hub.settings.compiled_plans else "off"
        report.note(
            f"servers: `hub serve` in production mode, HUB_COMPILED_PLANS={plans} (its "
            "default); the peers as bench/baseline_peer.py and bench/apollo/server.js; "
            "CPU per request counts the server processes only, not PostgreSQL's"
        )
        compare_and_load(hub, peer["peer"], states_url, args, report)
        print(f"bench: {args.subscribers} subscribers across two hub processes", flush=True)
        measure_two_processes(hub.settings, states_url, report, args.subscribers, args.notices)
        record_scale(report, measure_scale(server_url, states_url, args.scale, args.duration))
    header = machine_info()
    header.append(
        f"load average (1 / 5 / 15 min) before the run: {load_before}, after: {load_average()}"
        " (the run itself loads about 2; a load above about 1 before it means other work"
        " shared the machine: absolute figures drop, the alternation keeps the ratios fair)"
    )
    header.append(
        f"wrk: 8 connections, 1 thread, {args.duration:g} s per scenario and server, "
        f"{args.rounds} rounds alternating; total run {time.perf_counter() - started:.0f} s"
    )
    publish(render(report, header))
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
