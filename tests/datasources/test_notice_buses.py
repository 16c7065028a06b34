"""The notice buses: in one process, and over a real Redis Stream between "processes"."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from datasources.memory_bus import InProcessNoticeBus
from datasources.notice_bus import BusEvent, BusUnavailable, NoticeBus, Resync
from datasources.outbox_relay import Publish, relay_outbox
from datasources.redis_bus import RedisStreamNoticeBus
from tests.services.redis import (
    ENV_FORCE_STANDALONE,
    ENV_SERVER_URL,
    RedisProcess,
    own_redis_server,
    probe,
    redis_server_url,
    resolve_redis_server_url,
    server_binary,
    standalone_server,
)
from tests.services.servers import free_port

WAIT = 20.0
"""Upper bound of any single wait: a broken bus fails the test instead of hanging it."""
BLOCK_MS = 100


def _stream() -> str:
    return f"hub:test:notices:{uuid.uuid4().hex}"


async def _take(events: AsyncIterator[BusEvent], count: int) -> list[BusEvent]:
    async with asyncio.timeout(WAIT):
        return [await anext(events) for _ in range(count)]


async def _until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.02)


async def _next_id(events: AsyncIterator[BusEvent]) -> int:
    """The next id, skipping any further `Resync`."""
    async with asyncio.timeout(WAIT):
        while isinstance(event := await anext(events), Resync):
            pass
        return event


async def _drop(url: str, stream: str) -> None:
    client = Redis.from_url(url)
    await client.delete(stream)
    await client.aclose()


async def _redis_bus(stack: AsyncExitStack, url: str, stream: str) -> RedisStreamNoticeBus:
    """A started bus on a client of its own (one hub "process"), closed with `stack`."""
    client = Redis.from_url(url)
    stack.push_async_callback(client.aclose)
    bus = RedisStreamNoticeBus(client, stream=stream, block_ms=BLOCK_MS)
    stack.push_async_callback(bus.close)
    await bus.start()
    return bus


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[NoticeBus]:
    if request.param == "memory":
        memory = InProcessNoticeBus()
        await memory.start()
        yield memory
        await memory.close()
        return
    stream = _stream()
    async with AsyncExitStack() as stack:
        yield await _redis_bus(stack, redis_server_url(), stream)
    await _drop(redis_server_url(), stream)


@pytest.fixture
def redis_server() -> Iterator[RedisProcess]:
    with own_redis_server() as server:
        yield server


async def test_every_subscription_receives_each_published_id(bus: NoticeBus):
    # given two subscriptions
    async with bus.subscribe() as first, bus.subscribe() as second:
        # when ids are published in two batches
        await bus.publish([11, 12, 13])
        await bus.publish([14])
        # then each subscription receives every id, in order
        assert await _take(first, 4) == [11, 12, 13, 14]
        assert await _take(second, 4) == [11, 12, 13, 14]


async def test_a_late_subscription_does_not_get_earlier_ids(bus: NoticeBus):
    # given ids that an early subscription has already received
    async with bus.subscribe() as early:
        await bus.publish([1, 2])
        assert await _take(early, 2) == [1, 2]
        # when a subscription opens and another id is published
        async with bus.subscribe() as late:
            await bus.publish([3])
            # then the late one starts at the new id
            assert await _take(late, 1) == [3]
            assert await _take(early, 1) == [3]


async def test_in_process_publish_never_raises_without_subscribers():
    bus = InProcessNoticeBus()
    await bus.publish([1, 2])
    await bus.publish([])
    await bus.close()


async def test_a_slow_in_process_subscription_gets_resync_instead_of_losing_ids():
    # given a bus whose subscriptions hold at most 3 events, and one subscription
    bus = InProcessNoticeBus(capacity=3)
    async with bus.subscribe() as slow:
        # when 5 ids arrive before it reads any
        await bus.publish([1, 2, 3, 4, 5])
        # then it is told to resync instead, and later ids arrive as usual
        assert await _take(slow, 1) == [Resync()]
        await bus.publish([6])
        assert await _take(slow, 1) == [6]
    await bus.close()


async def test_close_ends_subscriptions():
    bus = InProcessNoticeBus()
    async with bus.subscribe() as events:
        await bus.publish([1])
        await bus.close()
        async with asyncio.timeout(WAIT):
            assert [event async for event in events] == [1]


async def test_ids_published_by_one_process_reach_the_other():
    # given two hub "processes", each with its own client and bus on one stream
    stream = _stream()
    async with AsyncExitStack() as stack:
        sender = await _redis_bus(stack, redis_server_url(), stream)
        receiver = await _redis_bus(stack, redis_server_url(), stream)
        async with receiver.subscribe() as there, sender.subscribe() as here:
            # when the first publishes
            await sender.publish([101, 102])
            # then subscribers of both receive the ids
            assert await _take(there, 2) == [101, 102]
            assert await _take(here, 2) == [101, 102]
    await _drop(redis_server_url(), stream)


async def test_closing_the_bus_leaves_the_injected_client_open():
    client = Redis.from_url(redis_server_url())
    bus = RedisStreamNoticeBus(client, stream=_stream(), block_ms=BLOCK_MS)
    await bus.start()
    await bus.close()
    assert await client.ping()
    await client.aclose()


async def test_a_recreated_stream_resyncs_instead_of_waiting_for_old_ids():
    # given a subscription that has read an id with a high stream id
    stream = _stream()
    async with AsyncExitStack() as stack:
        client = Redis.from_url(redis_server_url())
        stack.push_async_callback(client.aclose)
        bus = await _redis_bus(stack, redis_server_url(), stream)
        async with bus.subscribe() as events:
            await client.xadd(stream, {"id": "1"}, id="9000000000000-0")
            assert await _take(events, 1) == [1]
            # when the stream is deleted and recreated with lower ids
            await client.delete(stream)
            await client.xadd(stream, {"id": "2"}, id="5-0")
            # then the subscription is told to resync, and new ids arrive again
            assert await _take(events, 1) == [Resync()]
            await bus.publish([3])
            assert await _take(events, 1) == [3]
        await client.delete(stream)


async def test_redis_restart_fails_publish_then_resyncs_and_delivers(redis_server: RedisProcess):
    async with AsyncExitStack() as stack:
        # given a bus on a private server, with a subscription that received an id
        bus = await _redis_bus(stack, redis_server.url, _stream())
        async with bus.subscribe() as events:
            await bus.publish([1])
            assert await _take(events, 1) == [1]
            # when the server stops, publishing fails
            redis_server.stop()
            with pytest.raises(BusUnavailable):
                async with asyncio.timeout(WAIT):
                    await bus.publish([2])
            # and when it is back (empty: no persistence), the subscription resyncs
            redis_server.start()
            assert await _take(events, 1) == [Resync()]
            # then newly published ids arrive again
            await bus.publish([3])
            assert await _next_id(events) == 3


class FakeOutbox:
    """Like `NoticeSource.drain_outbox`: ids are marked only once publish succeeded."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.published: list[int] = []
        self.attempts = 0

    def record(self, notice_id: int, wake: asyncio.Event) -> None:
        self.pending.append(notice_id)
        wake.set()

    async def drain_outbox(self, publish: Publish, *, limit: int = 100) -> int:
        batch = self.pending[:limit]
        if not batch:
            return 0
        self.attempts += 1
        await publish(list(batch))
        del self.pending[: len(batch)]
        self.published.extend(batch)
        return len(batch)


async def test_relay_publishes_what_was_recorded_while_redis_was_down(
    redis_server: RedisProcess,
):
    stream = _stream()
    outbox, wake = FakeOutbox(), asyncio.Event()
    async with AsyncExitStack() as stack:
        # given a relay from an outbox to a bus on a private server
        bus = await _redis_bus(stack, redis_server.url, stream)
        relay = asyncio.create_task(relay_outbox(outbox, bus, interval=0.1, wake=wake))
        stack.callback(relay.cancel)
        async with bus.subscribe() as events:
            outbox.record(1, wake)
            assert await _take(events, 1) == [1]
            # when notices are recorded while the server is down
            redis_server.stop()
            tried = outbox.attempts
            outbox.record(2, wake)
            outbox.record(3, wake)
            await _until(lambda: outbox.attempts > tried + 1)
            assert outbox.pending == [2, 3]
            # then they are published once it is back, each once
            redis_server.start()
            await _until(lambda: not outbox.pending)
            assert outbox.published == [1, 2, 3]
            client = Redis.from_url(redis_server.url)
            stack.push_async_callback(client.aclose)
            entries = await client.xrange(stream)
            assert [int(fields[b"id"]) for _, fields in entries or [] if fields] == [2, 3]


def test_redis_server_url_can_start_a_server_from_the_package():
    # given no usable server url: the local probe is skipped by the env
    url = resolve_redis_server_url({ENV_FORCE_STANDALONE: "1"})
    # then a server of the suite's own answers, run from the package's binary
    server = standalone_server()
    assert url == server.url
    assert server.port != 6379
    assert probe(url) is None
    assert server.binary == server_binary()
    client = redis.Redis.from_url(url)
    try:
        assert Path(client.info("server")["executable"]).resolve() == server.binary.resolve()
    finally:
        client.close()


def test_redis_server_url_rejects_an_explicit_url_that_does_not_answer():
    with pytest.raises(RuntimeError, match=ENV_SERVER_URL):
        resolve_redis_server_url({ENV_SERVER_URL: f"redis://127.0.0.1:{free_port()}/0"})
