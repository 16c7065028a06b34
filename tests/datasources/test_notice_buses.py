"""The notice buses: in one process, and over a real Redis Stream between "processes"."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

from datasources.memory_bus import InProcessNoticeBus
from datasources.notice_bus import BusEvent, BusUnavailable, NoticeBus, Resync
from datasources.outbox_relay import Publish, relay_outbox
from datasources.redis_bus import RedisStreamNoticeBus
from tests.services import redis as services
from tests.services.servers import free_port

WAIT = 20.0  # bounds every wait: a broken bus fails the test instead of hanging it
BLOCK_MS = 100


def _stream() -> str:
    return f"hub:test:notices:{uuid.uuid4().hex}"


async def _take(events: AsyncIterator[BusEvent], count: int) -> list[BusEvent]:
    async with asyncio.timeout(WAIT):
        return [await anext(events) for _ in range(count)]


async def _until(predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not predicate():  # noqa: ASYNC110 - polls a plain object, nothing to await
            await asyncio.sleep(0.02)


async def _next_id(events: AsyncIterator[BusEvent]) -> int:  # skipping any further Resync
    async with asyncio.timeout(WAIT):
        while isinstance(event := await anext(events), Resync):
            pass
        return event


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    async with asyncio.timeout(WAIT):
        await asyncio.wait({task})
    assert task.cancelled()


async def _publish_eventually(bus: NoticeBus, notice_ids: list[int]) -> None:
    """Publish as the outbox relay would: a pooled connection may be stale after a restart."""
    async with asyncio.timeout(WAIT):
        while True:
            try:
                return await bus.publish(notice_ids)
            except BusUnavailable:
                await asyncio.sleep(0.05)


async def _redis_bus(
    stack: AsyncExitStack, url: str, stream: str, *, retry: Retry | None = None
) -> RedisStreamNoticeBus:
    """A started bus on a client of its own (one hub "process"), closed with `stack`."""
    client = Redis.from_url(url) if retry is None else Redis.from_url(url, retry=retry)
    stack.push_async_callback(client.aclose)
    stack.push_async_callback(client.delete, stream)
    bus = RedisStreamNoticeBus(client, stream=stream, block_ms=BLOCK_MS)
    stack.push_async_callback(bus.close)
    await bus.start()
    return bus


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[NoticeBus]:
    async with AsyncExitStack() as stack:
        if request.param == "redis":
            yield await _redis_bus(stack, services.redis_server_url(), _stream())
        else:
            yield InProcessNoticeBus()  # its start() and close() have nothing to do here


@pytest.fixture
def redis_server() -> Iterator[services.RedisProcess]:
    with services.own_redis_server() as server:
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


async def test_in_process_publish_never_raises_and_close_ends_subscriptions():
    bus = InProcessNoticeBus()
    await bus.publish([1, 2])  # nobody listens
    async with bus.subscribe() as events:
        await bus.publish([1])
        await bus.close()
        async with asyncio.timeout(WAIT):
            assert [event async for event in events] == [1]


async def test_ids_published_by_one_process_reach_the_other():
    # given two hub "processes", each with its own client and bus on one stream
    stream = _stream()
    async with AsyncExitStack() as stack:
        sender = await _redis_bus(stack, services.redis_server_url(), stream)
        receiver = await _redis_bus(stack, services.redis_server_url(), stream)
        async with receiver.subscribe() as there, sender.subscribe() as here:
            # when the first publishes
            await sender.publish([101, 102])
            # then subscribers of both receive the ids
            assert await _take(there, 2) == [101, 102]
            assert await _take(here, 2) == [101, 102]


async def test_a_recreated_stream_resyncs_instead_of_waiting_for_old_ids():
    # given a subscription that has read an id with a high stream id
    stream = _stream()
    async with AsyncExitStack() as stack:
        client = Redis.from_url(services.redis_server_url())
        stack.push_async_callback(client.aclose)
        stack.push_async_callback(client.delete, stream)
        bus = RedisStreamNoticeBus(client, stream=stream, block_ms=BLOCK_MS)
        stack.push_async_callback(bus.close)
        await bus.start()
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
        # and closing the bus leaves the injected client open
        await bus.close()
        assert await client.ping()


async def test_redis_restart_fails_publish_then_resyncs_and_delivers(
    redis_server: services.RedisProcess,
):
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
            await _publish_eventually(bus, [3])
            assert await _next_id(events) == 3


@pytest.mark.parametrize("client_retries", [0, 10], ids=["failing-client", "retrying-client"])
async def test_a_quick_redis_restart_is_noticed_and_resyncs(
    redis_server: services.RedisProcess, client_retries: int, caplog: pytest.LogCaptureFixture
):
    async with AsyncExitStack() as stack:
        # given a subscription on a private server that the reader follows, through a
        # client that either fails at once or reconnects without telling (retries)
        retry = Retry(ExponentialWithJitterBackoff(base=0.01, cap=1.0), client_retries)
        bus = await _redis_bus(stack, redis_server.url, _stream(), retry=retry)
        async with bus.subscribe() as events:
            await bus.publish([1])
            assert await _take(events, 1) == [1]
            # when the server restarts at once
            caplog.set_level(logging.INFO, logger="datasources.redis_bus")
            redis_server.stop()
            redis_server.start()
            # then the subscription is told to resync, and new ids arrive
            assert await _take(events, 1) == [Resync()]
            await _publish_eventually(bus, [2])
            assert await _next_id(events) == 2
    if client_retries:  # the reader never saw an error: it noticed the new run_id
        assert "Redis restarted" in caplog.text
        assert "reader lost Redis" not in caplog.text


class FakeOutbox:
    """Like `NoticeSource.drain_outbox`: ids are marked only once publish succeeded."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.published: list[int] = []
        self.attempts = 0

    def record(self, *notice_ids: int) -> None:
        self.pending.extend(notice_ids)

    async def drain_outbox(self, publish: Publish, *, limit: int = 100) -> int:
        batch = self.pending[:limit]
        if not batch:
            return 0
        self.attempts += 1
        await publish(list(batch))
        del self.pending[: len(batch)]
        self.published.extend(batch)
        return len(batch)


async def test_relay_publishes_ids_recorded_while_redis_was_down(
    redis_server: services.RedisProcess,
):
    stream = _stream()
    outbox, wake = FakeOutbox(), asyncio.Event()
    async with AsyncExitStack() as stack:
        # given a relay from an outbox to a bus on a private server
        bus = await _redis_bus(stack, redis_server.url, stream)
        relay = asyncio.create_task(relay_outbox(outbox, bus, interval=0.1, wake=wake))
        stack.push_async_callback(_stop, relay)
        async with bus.subscribe() as events:
            outbox.record(1)
            wake.set()
            assert await _take(events, 1) == [1]
            # when notices are recorded while the server is down
            redis_server.stop()
            tried = outbox.attempts
            outbox.record(2, 3)
            wake.set()
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
    url = services.resolve_redis_server_url({services.ENV_FORCE_STANDALONE: "1"})
    # then a server of the suite's own answers, run from the package's binary
    server = services.standalone_server()
    assert url == server.url
    assert server.port != 6379
    assert services.probe(url) is None
    assert server.binary == services.server_binary()
    with redis.Redis.from_url(url) as client:
        assert Path(client.info("server")["executable"]).resolve() == server.binary.resolve()


def test_redis_server_url_rejects_an_explicit_url_that_does_not_answer():
    with pytest.raises(RuntimeError, match=services.ENV_SERVER_URL):
        services.resolve_redis_server_url(
            {services.ENV_SERVER_URL: f"redis://127.0.0.1:{free_port()}/0"}
        )
