"""(g) Termination notice delivery: N subscribers over real WebSockets, K notices one at a time.

For each notice: the time from the reporting mutation's HTTP response to the moment
the last (and the first) subscriber received it, and whether every subscriber got
every notice exactly once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx

from bench.notice_clients import (
    Arrivals,
    Reporter,
    allow_open_files,
    connect_subscriber,
    listen,
    staff_token,
)
from bench.timing import Latencies
from settings import TokenSettings

DEFAULT_SUBSCRIBERS = 1000
DEFAULT_NOTICES = 30
PRIMER_NUMBER = 4000
PRIMER_ATTEMPTS = 3
PRIMER_SECONDS = 15.0
NOTICE_SECONDS = 30.0
SETTLE_SECONDS = 0.5
DUPLICATE_WINDOW_SECONDS = 1.0
CONNECT_SECONDS_PER_SUBSCRIBER = 0.5
MEASURE_NOTE = (
    "notices: subscribers are ocss_staff (FED, fti) graphql-transport-ws clients of "
    "terminationNotices, all in the bench process on one event loop; latency = arrival at "
    "the client minus arrival of the reporting mutation's HTTP response (negative: the "
    "notice came first; the hub starts fanning out before it answers, so the round trip "
    "includes part of the fan-out), or minus the moment the request was sent; notices are "
    "reported one at a time, each once the previous one reached every subscriber (or 30 s "
    "passed); a primer notice first proves every subscription live"
)


@dataclass(frozen=True)
class Delivery:
    """What one run of (g) saw."""

    subscribers: int
    notices: int
    last: Latencies
    last_from_sent: Latencies
    first: Latencies
    round_trip: Latencies
    exactly_once: int
    duplicates: int
    missing: int
    other: int
    connect_seconds: float
    problems: tuple[str, ...]


async def _prime(reporter: Reporter, arrivals: Arrivals, number: int) -> set[str]:
    """Report primers until one reaches every subscriber: then all subscriptions are live."""
    primers: set[str] = set()
    for attempt in range(PRIMER_ATTEMPTS):
        primer = await reporter.report(number + attempt)
        primers.add(primer)
        if await arrivals.everyone_has(primer, PRIMER_SECONDS):
            return primers
    arrivals.problems.append("no primer reached every subscriber")
    return primers


def _summarise(
    arrivals: Arrivals, measured: dict[str, tuple[float, float]], primers: set[str]
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Latencies per complete notice (seconds), and the exactly-once bookkeeping counts."""
    figures: dict[str, list[float]] = {"first": [], "last": [], "last_from_sent": []}
    counted = {"once": 0, "duplicates": 0, "missing": 0, "other": 0}
    for notice_id, (sent, answered) in measured.items():
        arrived = arrivals.first_arrivals(notice_id)
        if len(arrived) == arrivals.subscribers:
            figures["first"].append(min(arrived) - answered)
            figures["last"].append(max(arrived) - answered)
            figures["last_from_sent"].append(max(arrived) - sent)
        counts = Counter(index for index, _ in arrivals.times.get(notice_id, []))
        counted["once"] += sum(1 for n in counts.values() if n == 1)
        counted["duplicates"] += sum(n - 1 for n in counts.values())
        counted["missing"] += arrivals.subscribers - len(counts)
    known = measured.keys() | primers
    counted["other"] = sum(len(got) for i, got in arrivals.times.items() if i not in known)
    return figures, counted


async def measure_delivery(
    urls: Sequence[str], token_settings: TokenSettings, subscribers: int, notices: int, base: int
) -> Delivery:
    """Subscribers spread over `urls` in turn; notices reported through `urls[0]`."""
    allow_open_files(subscribers * 2 + 512)
    arrivals = Arrivals(subscribers)
    token = staff_token(token_settings)
    measured: dict[str, tuple[float, float]] = {}
    primers: set[str] = set()
    round_trips: list[float] = []
    async with (
        AsyncExitStack() as stack,
        httpx.AsyncClient(base_url=urls[0], timeout=30) as http,
    ):
        reporter = Reporter(http, token_settings)
        started = time.perf_counter()
        async with asyncio.timeout(30 + subscribers * CONNECT_SECONDS_PER_SUBSCRIBER):
            sockets = [
                await connect_subscriber(stack, urls[i % len(urls)], token)
                for i in range(subscribers)
            ]
        connect_seconds = time.perf_counter() - started
        readers = [asyncio.create_task(listen(s, i, arrivals)) for i, s in enumerate(sockets)]
        try:
            await asyncio.sleep(SETTLE_SECONDS)
            primers = await _prime(reporter, arrivals, base + PRIMER_NUMBER)
            for number in range(base + 1, base + notices + 1):
                sent = time.perf_counter()
                notice_id = await reporter.report(number)
                answered = time.perf_counter()
                round_trips.append(answered - sent)
                measured[notice_id] = (sent, answered)
                await arrivals.everyone_has(notice_id, NOTICE_SECONDS)
            await asyncio.sleep(DUPLICATE_WINDOW_SECONDS)
        finally:
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
    figures, counted = _summarise(arrivals, measured, primers)
    wall = time.perf_counter() - started
    return Delivery(
        subscribers=subscribers,
        notices=notices,
        last=Latencies(tuple(figures["last"]), wall),
        last_from_sent=Latencies(tuple(figures["last_from_sent"]), wall),
        first=Latencies(tuple(figures["first"]), wall),
        round_trip=Latencies(tuple(round_trips), wall),
        exactly_once=counted["once"],
        duplicates=counted["duplicates"],
        missing=counted["missing"],
        other=counted["other"],
        connect_seconds=connect_seconds,
        problems=tuple(arrivals.problems),
    )


def _spread(latencies: Latencies) -> str:
    if not latencies.count:
        return "no notice reached every subscriber"
    return (
        f"{latencies.p50_ms:.1f} / {latencies.p99_ms:.1f} / {latencies.max_ms:.1f}"
        f" (n={latencies.count})"
    )


def delivery_rows(label: str, delivery: Delivery) -> list[list[str]]:
    """The table rows of one configuration; problems go to the report's notes."""
    n, k = delivery.subscribers, delivery.notices
    trips = delivery.round_trip
    once = f"{delivery.exactly_once:,} / {n * k:,}"
    if delivery.duplicates or delivery.missing or delivery.other:
        once += (
            f" (duplicates {delivery.duplicates}, missing {delivery.missing}, "
            f"other notices {delivery.other})"
        )
    return [
        [label, f"last of {n} subscribers, p50 / p99 / max ms", _spread(delivery.last)],
        [label, "first subscriber, p50 / p99 / max ms", _spread(delivery.first)],
        [
            label,
            "last subscriber from the request being sent, p50 / p99 / max ms",
            _spread(delivery.last_from_sent),
        ],
        [
            label,
            "reportTermination round trip, p50 / max ms",
            f"{trips.p50_ms:.1f} / {trips.max_ms:.1f}",
        ],
        [label, f"each of {k} notices exactly once (subscriber x notice)", once],
        [label, f"connect + init + subscribe {n} sockets, s", f"{delivery.connect_seconds:.2f}"],
    ]
