"""The APQ stores: an LRU per process, and Redis (real) shared across processes."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from datasources.apq_stores import MemoryApqStore, RedisApqStore
from tests.log_capture import CAPTURE
from tests.services.redis import redis_server_url
from tests.services.servers import free_port

DOCUMENT = "{ viewer { role } }"


async def test_memory_store_keeps_the_most_recently_used():
    # given a store of two
    store = MemoryApqStore(capacity=2)
    await store.put("a", "{ a }")
    await store.put("b", "{ b }")
    # when "a" is read and "c" added
    assert await store.get("a") == "{ a }"
    await store.put("c", "{ c }")
    # then "b", the least recently used, is out
    assert await store.get("b") is None
    assert (await store.get("a"), await store.get("c")) == ("{ a }", "{ c }")


async def test_redis_store_round_trip_with_a_ttl():
    prefix = f"test:apq:{uuid.uuid4().hex[:8]}:"
    writer = RedisApqStore(Redis.from_url(redis_server_url()), ttl_seconds=30, prefix=prefix)
    reader = RedisApqStore(Redis.from_url(redis_server_url()), ttl_seconds=30, prefix=prefix)
    try:
        assert await reader.get("d1") is None
        await writer.put("d1", DOCUMENT)
        assert await reader.get("d1") == DOCUMENT
        assert 0 < await writer.redis.ttl(prefix + "d1") <= 30
    finally:
        await writer.close()
        await reader.close()


async def test_redis_store_unreachable_is_a_miss_and_logs_no_document():
    # given a store whose Redis is not there
    store = RedisApqStore(Redis.from_url(f"redis://127.0.0.1:{free_port()}/0"), ttl_seconds=5)
    start = len(CAPTURE.lines)
    try:
        # when it is read and written, then nothing is raised: a miss, nothing kept
        assert await store.get("d1") is None
        await store.put("d1", DOCUMENT)
    finally:
        await store.close()
    lines = CAPTURE.lines[start:]
    assert any("APQ store not read (ConnectionError)" in line for line in lines)
    assert any("APQ store not written (ConnectionError)" in line for line in lines)
    assert not any(DOCUMENT in line for line in lines)
