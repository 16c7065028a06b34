"""The relay that moves mutations' audit events from the sources' outboxes into the trail.

Each hub process runs `AuditRelay.run` as a background task. A round drains every source's
audit outbox (`SqlAuditOutbox.drain`) until each is empty, then waits to be woken or for
`interval` seconds. A mutation, once its change committed, wakes it and waits for the round
(`flush`, bounded), so that the trail shows the event before the answer leaves in the
ordinary case; the event is durable in the outbox either way. While the trail is down the
events stay in the outboxes and are offered again next round; the outage is logged once,
and so is its end. Log lines carry counts and error types, never an event's fields.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from datasources.audit import AuditTrail
from datasources.memory_bus import check_cancelled
from datasources.read_connections import release_reads

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0
"""How often an idle relay looks for events no mutation of this process woke it for
(another process's leftovers); a mutation of this process wakes it at once."""
RETRY_SECONDS = 1.0
"""How soon a failed round is tried again."""


class AuditOutbox(Protocol):
    """The part of `SqlAuditOutbox` that the relay uses."""

    async def drain(self, trail: AuditTrail, *, limit: int = ...) -> int: ...


class AuditRelay:
    """Moves the outboxes' events into the trail: in a background loop, and on request."""

    def __init__(
        self, outboxes: Sequence[AuditOutbox], trail: AuditTrail, *, interval: float = SWEEP_SECONDS
    ) -> None:
        self.outboxes = tuple(outboxes)
        self._trail = trail
        self._interval = interval
        self._wake = asyncio.Event()
        self._rounds = 0
        self._round_done = asyncio.Condition()
        self._running = False
        self._draining = False

    async def drain(self) -> int:
        """Drain every outbox until it is empty; answer how many events reached the trail."""
        total = 0
        for outbox in self.outboxes:
            while moved := await outbox.drain(self._trail):
                total += moved
                check_cancelled()
        return total

    async def drain_within(self, within: float = 5.0) -> None:
        """Drain for at most `within` seconds, as a process starts and as it stops.

        A failure is logged; what is left stays in the outboxes, for a later round or
        the next process.
        """
        try:
            async with asyncio.timeout(within):
                await self.drain()
        except Exception as error:  # the outboxes keep the events: nothing is lost
            logger.warning("audit relay: events left in the outboxes (%s)", type(error).__name__)

    async def flush(self, *, within: float) -> bool:
        """Wait (up to `within` seconds) until a round begun after this call has ended.

        What a mutation awaits once its change committed, so that the trail shows its event
        before the answer leaves, in the ordinary case. True when such a round ended;
        False on timeout (the event is safe in the outbox all the same). Without a running
        relay loop (a process that never started one) the caller drains itself. The
        caller's read connections go back first: the relay takes connections of the same
        pools, and mutations waiting for it while holding theirs could starve it.
        """
        await release_reads()
        if not self._running:
            await self.drain()
            return True
        async with self._round_done:
            wanted = self._rounds + 2 if self._draining else self._rounds + 1
            self._wake.set()
            try:
                async with asyncio.timeout(within):
                    await self._round_done.wait_for(lambda: self._rounds >= wanted)
            except TimeoutError:
                return False
        return True

    async def run(self) -> None:
        """Relay until cancelled: a round whenever woken, or every `interval` seconds.

        The process drained as it started (`drain_within`), so the loop waits first.
        """
        self._running = True
        failing = False
        try:
            while True:
                await _pause(self._wake, RETRY_SECONDS if failing else self._interval)
                self._wake.clear()  # a change committed from here on wakes the next round
                self._draining = True
                try:
                    moved = await self.drain()
                except Exception as error:  # the trail or a source database failing
                    if not failing:
                        kind = type(error).__name__
                        logger.error("audit relay: draining failed (%s); retrying", kind)
                    failing = True
                else:
                    if failing:
                        logger.info("audit relay: recovered, %d event(s) relayed", moved)
                    failing = False
                self._draining = False
                async with self._round_done:
                    self._rounds += 1
                    self._round_done.notify_all()
        finally:
            self._running = False


async def _pause(wake: asyncio.Event, interval: float) -> None:
    """Wait `interval` seconds, or less when `wake` is set."""
    try:
        async with asyncio.timeout(interval):
            await wake.wait()
    except TimeoutError:
        pass
