"""`python -m bench`: seed throw-away sources, serve the hub on loopback, measure, report."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

import httpx

from bench.databases import PreparedHub, postgres_hub, sqlite_hub
from bench.graphql_client import GraphQLClient
from bench.notice_cases import measure_in_process, measure_two_processes, skip_redis
from bench.notices import DEFAULT_NOTICES, DEFAULT_SUBSCRIBERS
from bench.parsing import measure_parsing
from bench.report import Results, machine_info, publish, render
from bench.scenarios import measure_case_list, measure_case_view, measure_viewer
from bench.server import LiveHub, live_hub, state_systems
from bench.statements import measure_statements

DEFAULT_PARTICIPANTS = 3000
EXPECTED_CODES = {"FORBIDDEN"}  # field-level policy: masked or withheld fields
README_PARTICIPANTS = 1_000_000
README_SEED_FIGURE = "about 200 (README; not measured by this run)"
SHARED_PROCESS_NOTE = (
    "a-c: client and server share one process (server in a thread), so they contend for "
    "the GIL; concurrent throughput is a lower bound for a server running on its own"
)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--participants",
        type=int,
        default=DEFAULT_PARTICIPANTS,
        help=f"participants to seed (default {DEFAULT_PARTICIPANTS})",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure on fresh databases created on this PostgreSQL server",
    )
    parser.add_argument(
        "--state-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="mean answer delay of the simulated state systems (default 0: hub cost only)",
    )
    parser.add_argument(
        "--subscribers",
        type=int,
        default=DEFAULT_SUBSCRIBERS,
        help=f"(g) WebSocket subscribers to termination notices (default {DEFAULT_SUBSCRIBERS})",
    )
    parser.add_argument(
        "--notices",
        type=int,
        default=DEFAULT_NOTICES,
        help=f"(g) notices reported, one at a time (default {DEFAULT_NOTICES})",
    )
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.notices < 1:
        parser.error("--subscribers and --notices must be at least 1")
    return args


def backends(args: argparse.Namespace) -> Iterator[AbstractContextManager[PreparedHub]]:
    yield sqlite_hub(args.participants)
    if args.postgres:
        yield postgres_hub(args.postgres, args.participants)


def record_seeding(results: Results, hub: PreparedHub) -> None:
    rate = hub.participants / hub.seed_seconds if hub.seed_seconds else 0.0
    results.add("f", "migrate all sources, s", f"{hub.migrate_seconds:.2f}")
    results.add("f", f"seed {hub.participants:,} participants, s", f"{hub.seed_seconds:.2f}")
    results.add("f", "seed rate, participants/s", f"{rate:,.0f}")
    if rate:
        label = f"seed {README_PARTICIPANTS:,} participants, s: linear extrapolation"
        results.add("f", label, f"{README_PARTICIPANTS / rate:,.0f}")
    if hub.backend == "sqlite":
        results.add(
            "f", f"seed {README_PARTICIPANTS:,} participants, s: measured", README_SEED_FIGURE
        )


async def measure_live(live: LiveHub, hub: PreparedHub, results: Results) -> None:
    """(a), (b), (c) and (e) over real HTTP, one keep-alive client."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        client = GraphQLClient(http, hub.settings.token)
        await measure_viewer(client, results)
        await measure_case_list(client, results)
        await measure_case_view(client, results)
        await measure_statements(client, live.app.state.engines, results)
    codes = ", ".join(f"{code} x{n}" for code, n in sorted(client.error_codes.items()))
    results.note(f"{hub.backend}: error codes in answers: {codes or 'none'}")
    if client.error_codes.keys() - EXPECTED_CODES:
        results.note(f"WARNING {hub.backend}: answers carried codes other than {EXPECTED_CODES}")


def measure_redis_notices(
    hub: PreparedHub, states_url: str, results: Results, args: argparse.Namespace
) -> None:
    """(g) on Redis with two `hub serve` processes, once no other hub drains the outbox."""
    if hub.backend == "sqlite" and args.postgres:
        skip_redis(results, "measured on the --postgres databases instead")
        return
    measure_two_processes(hub.settings, states_url, results, args.subscribers, args.notices)


def run_backend(hub: PreparedHub, results: Results, args: argparse.Namespace) -> None:
    results.use(hub.backend)
    record_seeding(results, hub)
    with state_systems(args.state_delay) as states_url:
        hub = replace(hub, settings=replace(hub.settings, state_systems_url=states_url))
        with live_hub(hub.settings) as live:
            asyncio.run(measure_live(live, hub, results))
            counts = (args.subscribers, args.notices)
            measure_in_process(live.base_url, hub.settings, results, *counts)
        # the in-thread hub is gone: its outbox relay would take the processes' notices
        measure_redis_notices(hub, states_url, results, args)
        asyncio.run(measure_parsing(hub.settings, results))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    started = time.perf_counter()
    results = Results()
    for prepared in backends(args):
        with prepared as hub:
            run_backend(hub, results, args)
    results.note(SHARED_PROCESS_NOTE)
    header = machine_info()
    header.append(
        f"participants seeded: {args.participants:,}; production settings; "
        f"simulated state systems answer after {args.state_delay * 1000:.0f} ms"
    )
    header.append(f"total run: {time.perf_counter() - started:.0f} s")
    publish(render(results, header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
