"""GCRA in Redis: atomic across clients (as across hub processes), on the server's clock."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from datasources.rate_limiter import Allowance, RateLimiterUnavailable
from datasources.redis_rate_limits import RedisRateLimiter
from tests.services.redis import redis_server_url
from tests.services.servers import free_port


async def test_two_clients_spending_at_once_admit_exactly_the_burst() -> None:
    # given two limiters on their own connections, one key prefix for this test
    prefix = f"hub:rate:test:{uuid.uuid4().hex}:"
    url = redis_server_url()
    limiters = [RedisRateLimiter(Redis.from_url(url), prefix=prefix) for _ in range(2)]
    allowance = Allowance(burst=25, interval=60.0)
    try:
        # when 200 units are spent at once, half through each
        spent = await asyncio.gather(
            *(limiters[i % 2].spend("subject", allowance) for i in range(200))
        )
        # then exactly the burst passes, and each refusal waits about one interval
        assert sum(s.allowed for s in spent) == 25
        waits = [s.retry_after for s in spent if not s.allowed]
        assert all(59.0 < wait <= 60.0 for wait in waits)
        # and the key expires when its bucket would be full again
        async with Redis.from_url(url) as probe:
            ttl = await probe.pttl(f"{prefix}subject")
        assert 25 * 60_000 - 5_000 < ttl <= 25 * 60_000 + 1
    finally:
        for limiter in limiters:
            await limiter.close()


async def test_an_unreachable_redis_is_said_so() -> None:
    # given a Redis URL on a closed port
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", retry=None)
    limiter = RedisRateLimiter(client, prefix="hub:rate:test:")
    # when a unit is spent, then the limiter says the store is unavailable
    with pytest.raises(RateLimiterUnavailable):
        await limiter.spend("subject", Allowance(burst=1, interval=1.0))
    await limiter.close()
