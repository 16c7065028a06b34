"""Notices across two `hub serve` processes on one Redis stream: delivery latency to N sockets."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.hub_processes import delete_stream, hub_process, new_stream_name, problem_lines
from bench.notices import MEASURE_NOTE, delivery_rows, measure_delivery
from bench.report import Report
from settings import Settings
from tests.services.redis import redis_server_url

TITLE = "Termination notices to WebSocket subscribers"
REDIS_LABEL = "Redis stream, 2 hub serve processes"
REDIS_NOTE = (
    "notices: two `hub serve` processes (production mode, own event loops) share the run's "
    "databases and one Redis stream of their own; subscribers alternate between them, "
    "notices are reported through the first"
)


def measure_two_processes(
    settings: Settings, states_url: str, report: Report, subscribers: int, notices: int
) -> None:
    """Two real `hub serve` processes on the run's databases and one Redis stream."""
    try:
        redis_url = redis_server_url()
    except RuntimeError as error:
        report.fail(f"notices: no Redis reachable ({str(error)[:200]})")
        return
    stream = new_stream_name()
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-serve-") as tmp:
            root = Path(tmp)
            with (
                hub_process(
                    settings,
                    data_dir=root / "a",
                    states_url=states_url,
                    redis_url=redis_url,
                    stream=stream,
                    name="hub a",
                ) as first,
                hub_process(
                    settings,
                    data_dir=root / "b",
                    states_url=states_url,
                    redis_url=redis_url,
                    stream=stream,
                    name="hub b",
                ) as second,
            ):
                urls = [first.url, second.url]
                delivery = asyncio.run(
                    measure_delivery(urls, settings.token, subscribers, notices, base=5000)
                )
                problems = problem_lines([first, second])
    finally:
        delete_stream(redis_url, stream)
    report.table(
        TITLE, ["configuration", "measurement", "figure"], delivery_rows(REDIS_LABEL, delivery)
    )
    report.note(REDIS_NOTE)
    report.note(MEASURE_NOTE)
    for problem in delivery.problems[:5]:
        report.note(f"WARNING notices: {problem}")
    if delivery.missing or delivery.duplicates:
        report.fail(
            f"notices: {delivery.missing} missing, {delivery.duplicates} duplicated deliveries"
        )
    if problems:
        report.note(
            f"WARNING notices: the hub processes logged {len(problems)} warning/error "
            f"line(s), first: {problems[0][:200]}"
        )
