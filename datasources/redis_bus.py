"""The notice bus shared by several hub processes: a Redis Stream.

`publish` appends one entry per notice id (field `id`) to the stream, trimmed to
about `maxlen` entries. Each process runs one reader task that follows the stream
from where it was when the reader started and hands the ids to its own
subscriptions (`Fanout`). The stream is only a doorbell: the database is the
source of truth, so whenever the reader cannot rule out a gap it tells every
subscription `Resync` and they catch up from the database. That happens

* after the reader lost Redis and got it back (it then follows from the stream's
  current end, never waiting for an id that a restarted server will not have);
* when Redis restarted behind the client's back (its `run_id` changed: redis-py
  reconnects transparently), or the stream was deleted or recreated (its last id is
  below the reader's cursor), or entries the reader had not read yet were trimmed.

The reader's XREAD blocks for `block_ms`, so the injected client must not have a
`socket_timeout` shorter than that.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from datasources.memory_bus import DEFAULT_CAPACITY, Fanout, check_cancelled
from datasources.notice_bus import BusEvent, BusUnavailable

logger = logging.getLogger(__name__)

StreamId = tuple[int, int]
"""A stream entry id `ms-seq` as numbers, so that ids compare correctly."""

FIELD = "id"
READ_COUNT = 500
BACKOFF_MIN_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 2.0
_FAILURES = (RedisError, OSError)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _stream_id(value: object) -> StreamId:
    ms, _, seq = _text(value).partition("-")
    return int(ms), int(seq or 0)


def _wire_id(value: StreamId) -> str:
    return f"{value[0]}-{value[1]}"


def _entries(response: Any) -> list[tuple[Any, Any]]:
    """The (id, fields) pairs of an XREAD answer, RESP2 (list) or RESP3 (dict)."""
    if not response:
        return []
    streams = response.values() if isinstance(response, dict) else (s[1] for s in response)
    return [(entry[0], entry[1]) for entries in streams for entry in entries or ()]


def _notice_id(fields: Any) -> int | None:
    """The notice id of an entry, or None when the entry is not one of ours."""
    if not isinstance(fields, dict):
        return None
    raw = fields.get(FIELD, fields.get(FIELD.encode()))
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class _End:
    """The stream's end as the server reports it (XINFO STREAM, INFO server)."""

    cursor: StreamId  # last-generated-id, 0-0 when the stream does not exist
    run_id: str  # changes whenever the server restarts
    added: int | None  # entries-added (Redis 7+): only ever grows for one stream
    max_deleted: StreamId | None  # max-deleted-entry-id (Redis 7+): trimmed or deleted


class _Position:
    """Where the reader stands: the last entry id it read, and what it last checked."""

    def __init__(self, end: _End) -> None:
        self.cursor = end.cursor
        self.last_check = end
        self.checked_at = time.monotonic()

    def lost_since(self, end: _End) -> bool:
        """Whether entries after the cursor may be gone, judging by the fresh `end`."""
        before = self.last_check
        if end.run_id != before.run_id or end.cursor < self.cursor:
            return True
        if end.added is not None and before.added is not None and end.added < before.added:
            return True
        return end.max_deleted is not None and end.max_deleted > self.cursor

    def checked(self, end: _End, *, jump: bool) -> None:
        if jump:
            self.cursor = end.cursor
        self.last_check = end
        self.checked_at = time.monotonic()


class RedisStreamNoticeBus:
    """A `NoticeBus` over a Redis Stream, for several hub processes."""

    def __init__(
        self,
        client: Redis,
        *,
        stream: str = "hub:notices",
        maxlen: int = 100_000,
        block_ms: int = 1000,
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self._client = client
        self._stream = stream
        self._maxlen = maxlen
        self._block_ms = block_ms
        self._fanout = Fanout(capacity)
        self._reader: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ publishing

    async def publish(self, notice_ids: list[int]) -> None:
        """XADD one entry per id in one round trip; BusUnavailable when Redis fails."""
        if not notice_ids:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for notice_id in notice_ids:
                    pipe.xadd(
                        self._stream,
                        {FIELD: str(int(notice_id))},
                        maxlen=self._maxlen,
                        approximate=True,
                    )
                await pipe.execute()
        except _FAILURES as error:
            raise BusUnavailable(
                f"Redis refused the notice ids ({type(error).__name__})"
            ) from error

    # ------------------------------------------------------------------ subscribing

    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[BusEvent]]:
        return self._fanout.subscribe()

    async def start(self) -> None:
        """Start the reader; ids published after a successful start reach subscribers.

        When Redis is unreachable, the reader keeps trying in the background and
        sends `Resync` once it gets through.
        """
        if self._reader is not None:
            return
        position: _Position | None = None
        try:
            position = _Position(await self._current_end())
        except _FAILURES as error:
            logger.warning("notice bus: Redis unreachable at start (%s)", type(error).__name__)
        self._reader = asyncio.create_task(self._follow(position), name="notice-bus-reader")

    async def close(self) -> None:
        """Stop the reader and end the subscriptions; the injected client stays open."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.wait({reader})  # not `await reader`: our own cancel must propagate
        self._fanout.close()

    # ------------------------------------------------------------------ the reader

    async def _follow(self, position: _Position | None) -> None:
        delay = BACKOFF_MIN_SECONDS
        failing = position is None  # start() could not reach Redis and said so
        while True:
            check_cancelled()
            try:
                if position is None:
                    position = _Position(await self._current_end())
                    self._fanout.resync()
                if failing:
                    logger.info("notice bus: reader reconnected to Redis; subscribers resync")
                failing, delay = False, BACKOFF_MIN_SECONDS
                await self._read_once(position)
            except Exception as error:  # Redis failures, and anything odd it answered
                position = None
                if not failing:
                    logger.warning("notice bus: reader lost Redis (%s)", type(error).__name__)
                failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_SECONDS)

    async def _read_once(self, position: _Position) -> None:
        response = await self._client.xread(
            {self._stream: _wire_id(position.cursor)}, count=READ_COUNT, block=self._block_ms
        )
        entries = _entries(response)
        if entries:
            position.cursor = _stream_id(entries[-1][0])
            self._fanout.deliver(self._notice_ids(entries))
        due = time.monotonic() - position.checked_at >= self._block_ms / 1000
        if not entries or len(entries) >= READ_COUNT or due:
            await self._check_continuity(position)

    def _notice_ids(self, entries: Iterable[tuple[Any, Any]]) -> list[int]:
        ids = [_notice_id(fields) for _, fields in entries]
        skipped = ids.count(None)
        if skipped:
            logger.warning("notice bus: skipped %d stream entries without a notice id", skipped)
        return [notice_id for notice_id in ids if notice_id is not None]

    async def _check_continuity(self, position: _Position) -> None:
        """Resync and jump to the current end when entries may have been lost."""
        fresh = await self._current_end()
        lost = position.lost_since(fresh)
        position.checked(fresh, jump=lost)
        if lost:
            logger.warning("notice bus: Redis restarted or the stream was reset; resync")
            self._fanout.resync()

    async def _current_end(self) -> _End:
        """The stream's last generated id (0-0 when missing) and the server's run id."""
        async with self._client.pipeline(transaction=False) as pipe:
            pipe.info("server")
            pipe.xinfo_stream(self._stream)
            info, stream = await pipe.execute(raise_on_error=False)
        if isinstance(info, BaseException):
            raise info
        run_id = _text(info.get("run_id", ""))
        if isinstance(stream, ResponseError) and "no such key" in str(stream).lower():
            return _End((0, 0), run_id, None, None)
        if isinstance(stream, BaseException):
            raise stream
        added, deleted = stream.get("entries-added"), stream.get("max-deleted-entry-id")
        return _End(
            cursor=_stream_id(stream["last-generated-id"]),
            run_id=run_id,
            added=int(added) if added is not None else None,
            max_deleted=_stream_id(deleted) if deleted is not None else None,
        )
