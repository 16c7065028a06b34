"""Group commit: what concurrent callers hand in, committed together by one flusher.

Each caller's items wait in a queue; one flusher takes everything queued (whole callers'
batches, in the order they came, up to `max_items` unless one batch alone is larger),
commits it with one call, and then tells each caller of that group how it went. While a
commit runs, the next callers queue up, and the flusher takes them all together when the
commit is done: under load a commit carries many callers' items, alone it carries one
caller's without waiting for company.

A caller returns only once its items are committed; when a commit fails, every caller of
that group gets its error (none of their items is committed: they were one commit). A
caller that stops waiting (cancelled) leaves its items queued: they are committed with the
rest of their group.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_ITEMS = 5000
"""Items per commit, past which the rest wait for the next one."""


class GroupCommit(Generic[T]):
    """Queue callers' items; one flusher commits whatever is queued, one commit at a time."""

    def __init__(
        self, commit: Callable[[list[T]], Awaitable[None]], *, max_items: int = MAX_ITEMS
    ) -> None:
        self._commit = commit
        self._max_items = max_items
        self._queue: list[tuple[Sequence[T], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.commits = 0
        """How many commits the flusher has made (successful or not)."""

    async def submit(self, items: Sequence[T]) -> None:
        """Return once `items` are committed; raise what their group's commit raised."""
        if not items:
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((items, done))
        flusher = self._flusher
        if flusher is None or flusher.done() or flusher.get_loop() is not loop:
            # a context of its own: nothing of the first caller's request rides along
            self._flusher = loop.create_task(self._flush(), context=contextvars.Context())
        await done

    async def drain(self) -> None:
        """Return once everything queued so far is committed (or its commit failed).

        What a caller left queued when it stopped waiting is committed here too: the
        process calls this before it closes the database, so that nothing queued is lost.
        """
        # a flusher runs while anything is queued (`submit` starts one), and one that ends
        # has emptied the queue; one started meanwhile is waited for in turn
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    def _take(self) -> list[tuple[Sequence[T], asyncio.Future[None]]]:
        taken = 1
        count = len(self._queue[0][0])
        while taken < len(self._queue) and count + len(self._queue[taken][0]) <= self._max_items:
            count += len(self._queue[taken][0])
            taken += 1
        group, self._queue = self._queue[:taken], self._queue[taken:]
        return group

    async def _flush(self) -> None:
        while self._queue:
            group = self._take()
            self.commits += 1
            try:
                await self._commit([item for items, _ in group for item in items])
            except Exception as error:
                _settle(group, error)
            except BaseException as error:
                # the flusher itself is stopping (cancelled): nobody queued is left waiting
                queued, self._queue = group + self._queue, []
                _settle(queued, error)
                raise
            else:
                _settle(group, None)


def _settle(
    group: Sequence[tuple[object, asyncio.Future[None]]], error: BaseException | None
) -> None:
    for _, done in group:
        if done.done():
            continue  # its caller stopped waiting
        if error is None:
            done.set_result(None)
        elif isinstance(error, asyncio.CancelledError):
            done.cancel()
        else:
            done.set_exception(error)
