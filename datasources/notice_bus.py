"""The bus that tells every hub process that notices were recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Resync:
    """The bus may have lost messages (it reconnected): catch up from the database."""


BusEvent = int | Resync
"""A notice id published by some process, or a request to catch up."""


class BusUnavailable(RuntimeError):
    """The bus cannot take a message now; the outbox keeps it for later."""


class NoticeBus(Protocol):
    """Publish notice ids; every subscription of every process receives them.

    Delivery is at least once: a subscriber may see an id twice (it deduplicates), and
    after any gap the bus yields `Resync` so that the subscriber reads what it missed
    from the database, the source of truth.
    """

    async def publish(self, notice_ids: list[int]) -> None:
        """Send the ids to every subscriber; raise BusUnavailable when that cannot be done."""
        ...

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[BusEvent]]:
        """Receive everything published from now on, until the context ends."""
        ...

    async def start(self) -> None:
        """Begin reading (Redis: connect and start the stream reader)."""
        ...

    async def close(self) -> None:
        """Stop reading and release connections."""
        ...
