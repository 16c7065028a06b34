"""The relay that moves recorded notices from the outbox onto the bus.

Each hub process runs `relay_outbox` as a background task. A round drains the
outbox (`NoticeSource.drain_outbox(bus.publish)`) until it is empty, then the relay
waits for `wake` (set by the process right after it records a notice, for low
latency) or for `interval` seconds, whichever comes first. While the bus is down the
ids stay in the outbox and are offered again next round; the outage is logged once,
and so is its end. Log lines carry counts and error types, never notice contents.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from datasources.memory_bus import check_cancelled
from datasources.notice_bus import BusUnavailable, NoticeBus
from telemetry.metrics import NOTICES_RELAYED

logger = logging.getLogger(__name__)

Publish = Callable[[list[int]], Awaitable[None]]


class OutboxSource(Protocol):
    """The part of `NoticeSource` that the relay uses."""

    async def drain_outbox(self, publish: Publish, *, limit: int = 100) -> int: ...


class _Outage:
    """Logs the first failure of a streak and its end, nothing in between."""

    def __init__(self) -> None:
        self.failing = False

    def failed(self, error: Exception) -> None:
        if self.failing:
            return
        self.failing = True
        if isinstance(error, BusUnavailable):
            logger.warning("outbox relay: notice bus unavailable; notices wait in the outbox")
        else:
            logger.error("outbox relay: draining failed (%s); retrying", type(error).__name__)

    def succeeded(self, published: int) -> None:
        if self.failing:
            logger.info("outbox relay: recovered, %d notice id(s) published", published)
        self.failing = False


async def drain_all(source: OutboxSource, bus: NoticeBus) -> int:
    """Drain the outbox until it is empty; answer how many ids were published."""
    total = 0
    while published := await source.drain_outbox(bus.publish):
        total += published
        NOTICES_RELAYED.inc(published)
        check_cancelled()
    return total


async def _pause(wake: asyncio.Event | None, interval: float, *, failing: bool) -> None:
    """Wait `interval` seconds, or less when `wake` is set (not while failing)."""
    if wake is None or failing:
        await asyncio.sleep(interval)
        return
    try:
        async with asyncio.timeout(interval):
            await wake.wait()
    except TimeoutError:
        pass


async def relay_outbox(
    source: OutboxSource,
    bus: NoticeBus,
    *,
    interval: float = 0.5,
    wake: asyncio.Event | None = None,
) -> None:
    """Publish the outbox's notice ids on `bus` until cancelled."""
    outage = _Outage()
    while True:
        check_cancelled()
        if wake is not None:
            wake.clear()  # a notice recorded from here on wakes the next round
        try:
            outage.succeeded(await drain_all(source, bus))
        except Exception as error:  # BusUnavailable, or the database failing
            outage.failed(error)
        await _pause(wake, interval, failing=outage.failing)
