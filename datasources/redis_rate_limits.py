"""Rate-limit budgets shared by every hub process: GCRA in one Lua script in Redis.

The script reads the key's TAT, decides and writes the new TAT in one step, on the
server's clock (`TIME`), so two processes spending on the same key at once are
serialised by Redis and never disagree about the time. A key expires when its bucket
is full again, so idle subjects leave nothing behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from datasources.rate_limiter import Allowance, RateLimiterUnavailable, Spent

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS[1]: the key; ARGV[1]: interval (µs); ARGV[2]: tolerance (µs).
# Returns {1, 0} when allowed, {0, wait in µs} when refused.
GCRA_SCRIPT = """
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if allow_at > now then
  return {0, allow_at - now}
end
local ttl_ms = math.ceil((new_tat - now) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
return {1, 0}
"""

MICROSECONDS = 1_000_000


class RedisRateLimiter:
    """GCRA budgets in Redis, under `prefix` (one per deployment, or per test)."""

    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(GCRA_SCRIPT)

    async def spend(self, key: str, allowance: Allowance) -> Spent:
        interval = round(allowance.interval * MICROSECONDS)
        tolerance = round(allowance.tolerance * MICROSECONDS)
        try:
            allowed, wait = await self._script(
                keys=[f"{self._prefix}{key}"], args=[interval, tolerance]
            )
        except (RedisError, OSError) as error:
            raise RateLimiterUnavailable(type(error).__name__) from None
        if allowed:
            return Spent(allowed=True)
        return Spent(allowed=False, retry_after=int(wait) / MICROSECONDS)

    async def close(self) -> None:
        await self._redis.aclose()
