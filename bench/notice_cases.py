"""(g) in its two configurations: the hub in one process, and two `hub serve` on one Redis."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.hub_processes import delete_stream, hub_process, new_stream_name, problem_lines
from bench.notices import measure_delivery, record_delivery
from bench.report import Results
from settings import Settings

IN_PROCESS_LABEL = "in-process bus, 1 server (thread)"
REDIS_LABEL = "Redis stream, 2 hub serve processes"
REDIS_NOTE = (
    "g Redis: two `hub serve` processes (production mode, own event loops) share the run's "
    "databases and one Redis stream of their own; subscribers alternate between them, "
    "notices are reported through the first"
)
SQLITE_REDIS_NOTE = (
    "g Redis on sqlite: both processes open the same SQLite files (WAL); both relays drain "
    "the one outbox, so a notice may be published twice (subscribers deduplicate)"
)


def measure_in_process(
    url: str, settings: Settings, results: Results, subscribers: int, notices: int
) -> None:
    """The hub as the bench serves it (in a thread here), with its in-process bus."""
    delivery = asyncio.run(measure_delivery([url], settings.token, subscribers, notices, base=0))
    record_delivery(results, IN_PROCESS_LABEL, delivery)


def skip_redis(results: Results, reason: str) -> None:
    results.add("g", f"{REDIS_LABEL}: last subscriber", f"skipped: {reason}")
    results.note(f"g Redis on {results.backend}: skipped: {reason}")
    print(f"bench g: Redis case on {results.backend} skipped: {reason}", flush=True)


def measure_two_processes(
    settings: Settings, states_url: str, results: Results, subscribers: int, notices: int
) -> None:
    """Two real `hub serve` processes on the run's databases and one Redis stream."""
    from tests.services.redis import redis_server_url

    try:
        redis_url = redis_server_url()
    except RuntimeError as error:
        skip_redis(results, f"no Redis reachable ({str(error)[:200]})")
        return
    stream = new_stream_name()
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-serve-") as tmp:
            common = {"redis_url": redis_url, "stream": stream, "states_url": states_url}
            with (
                hub_process(settings, data_dir=Path(tmp) / "a", **common) as first,
                hub_process(settings, data_dir=Path(tmp) / "b", **common) as second,
            ):
                urls = [first.url, second.url]
                delivery = asyncio.run(
                    measure_delivery(urls, settings.token, subscribers, notices, base=5000)
                )
                problems = problem_lines([first, second])
    finally:
        delete_stream(redis_url, stream)
    record_delivery(results, REDIS_LABEL, delivery)
    results.note(REDIS_NOTE)
    if results.backend == "sqlite":
        results.note(SQLITE_REDIS_NOTE)
    if problems:
        results.note(
            f"WARNING {results.backend} g Redis: the hub processes logged {len(problems)} "
            f"warning/error line(s), first: {problems[0][:200]}"
        )
