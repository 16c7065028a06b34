"""The notice bus of a single hub process, and the fan-out that every bus shares.

`Fanout` hands each event to every open subscription through a bounded mailbox of
its own. A subscriber that falls so far behind that its mailbox fills up does not
silently lose ids: its mailbox is emptied and replaced by one `Resync`, so it reads
what it missed from the database (everything it had queued was recorded there
before it was published).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from datasources.notice_bus import BusEvent, Resync

logger = logging.getLogger(__name__)

DEFAULT_CAPACITY = 1000
"""Events one subscription may have waiting before it is told to resync instead."""


def check_cancelled() -> None:
    """Raise CancelledError when the current task was asked to stop.

    On Python 3.11, `asyncio.wait_for` (which redis-py uses to send every command)
    swallows a cancellation that arrives just as the command was sent. Loops that
    await Redis call this once per round, so that a cancel always ends them.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class _Mailbox:
    """One subscription's queue; also the async iterator that the subscriber reads."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[BusEvent] = deque()
        self._capacity = capacity
        self._ready = asyncio.Event()
        self._closed = False

    def put_ids(self, notice_ids: Iterable[int]) -> bool:
        """Queue the ids; on overflow queue a `Resync` instead and answer False."""
        for notice_id in notice_ids:
            if len(self._items) >= self._capacity:
                self.put_resync()
                return False
            self._items.append(notice_id)
        self._ready.set()
        return True

    def put_resync(self) -> None:
        """Replace whatever is waiting by one `Resync` (it covers all of it)."""
        self._items.clear()
        self._items.append(Resync())
        self._ready.set()

    def close(self) -> None:
        """End the iteration once the waiting events have been read."""
        self._closed = True
        self._ready.set()

    def __aiter__(self) -> _Mailbox:
        return self

    async def __anext__(self) -> BusEvent:
        while not self._items:
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


class Fanout:
    """Deliver events to every open subscription of this process."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._mailboxes: set[_Mailbox] = set()
        self._closed = False

    def deliver(self, notice_ids: list[int]) -> None:
        """Queue the ids for every subscription; never raises, never blocks."""
        if not notice_ids:
            return
        overflowed = sum(not box.put_ids(notice_ids) for box in list(self._mailboxes))
        if overflowed:
            logger.warning("notice bus: %d slow subscription(s) told to resync", overflowed)

    def resync(self) -> None:
        """Tell every subscription that events may have been lost."""
        for box in list(self._mailboxes):
            box.put_resync()

    def close(self) -> None:
        """End every subscription's iteration; later subscriptions end at once."""
        self._closed = True
        for box in list(self._mailboxes):
            box.close()

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[BusEvent]]:
        """A subscription that receives everything delivered while it is open."""
        return self._subscription()

    @asynccontextmanager
    async def _subscription(self) -> AsyncIterator[AsyncIterator[BusEvent]]:
        box = _Mailbox(self._capacity)
        if self._closed:
            box.close()
        self._mailboxes.add(box)
        try:
            yield box
        finally:
            self._mailboxes.discard(box)


class InProcessNoticeBus:
    """A `NoticeBus` for one process: publish hands the ids straight to the fan-out."""

    def __init__(self, *, capacity: int = DEFAULT_CAPACITY) -> None:
        self._fanout = Fanout(capacity)

    async def publish(self, notice_ids: list[int]) -> None:
        self._fanout.deliver(list(notice_ids))

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[BusEvent]]:
        return self._fanout.subscribe()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._fanout.close()
