"""An identity provider's signing keys, read over HTTP from its JWKS URL and kept.

The keys are read again on a schedule (the document's `Cache-Control: max-age`, held
between the refetch interval and the longest age allowed) and when a token names a `kid`
the hub does not know: rotation publishes the new key before signing with it. Those reads
are bounded: at most one per refetch interval, one at a time (every request waiting for
an unknown `kid` shares it), each within a timeout. When a read fails the keys already
read keep answering, so an unreachable provider refuses only tokens of keys never seen.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

import httpx

from datasources.identity_keys import MAX_JWKS_BYTES, JwksRefused, PinnedKey, read_jwks
from settings import JwksSettings

logger = logging.getLogger(__name__)

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]{1,9})\"?\s*(?:,|$)", re.IGNORECASE)


def cache_max_age(cache_control: str | None) -> float | None:
    """The `max-age` of a `Cache-Control` header value; None without one (or with `no-store`)."""
    if not cache_control or "no-store" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None


class HttpJwksSource:
    """The keys of the JWKS document at `url`, by `kid`; see the module's docstring."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        timeout: float,
        refetch_interval: float,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._url = url
        self._timeout = timeout
        self._refetch_interval = refetch_interval
        self._max_age = max_age
        self._clock = clock
        self._sleep = sleep
        self._keys: Mapping[str, PinnedKey] = MappingProxyType({})
        self._last_read: float | None = None
        self._reading: asyncio.Task[float] | None = None
        self.reads = 0
        """How many times the document was requested (for the operator's and the tests' eyes)."""

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    async def get_by_kid(self, kid: str) -> PinnedKey | None:
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._reading is None and not self._may_read_again():
            return None
        await self._read_once()
        return self._keys.get(kid)

    async def close(self) -> None:
        await self._client.aclose()

    async def refresh(self) -> float:
        """Read the document now (or join the read under way); seconds until the next refresh."""
        return await self._read_once()

    async def refresh_periodically(self) -> None:
        """Refresh for ever, as often as the document's max-age asks, within the bounds."""
        while True:
            await self._sleep(await self.refresh())

    def _may_read_again(self) -> bool:
        last = self._last_read
        return last is None or self._clock() - last >= self._refetch_interval

    async def _read_once(self) -> float:
        if self._reading is None:
            self._last_read = self._clock()
            self._reading = asyncio.create_task(self._read())
            self._reading.add_done_callback(self._read_done)
        # shielded: a waiting request that is cancelled does not cancel everyone's read
        return await asyncio.shield(self._reading)

    def _read_done(self, task: asyncio.Task[float]) -> None:
        self._reading = None

    async def _read(self) -> float:
        """Read and replace the keys; the seconds until the next refresh. Never raises."""
        self.reads += 1
        try:
            async with asyncio.timeout(self._timeout):
                body, cache_control = await self._fetch()
            keys = read_jwks(body)
        except (httpx.HTTPError, TimeoutError) as error:
            logger.warning(
                "identity provider keys not read (%s); %d cached keys kept",
                type(error).__name__,
                len(self._keys),
            )
            return self._refetch_interval
        except JwksRefused as refused:
            logger.warning(
                "identity provider keys refused: %s; %d cached keys kept", refused, len(self._keys)
            )
            return self._refetch_interval
        if keys.left_out:
            logger.warning("identity provider keys: %d keys left out as unusable", keys.left_out)
        self._keys = MappingProxyType(dict(keys.keys))
        age = cache_max_age(cache_control)
        return min(
            max(age if age is not None else self._max_age, self._refetch_interval), self._max_age
        )

    async def _fetch(self) -> tuple[bytes, str | None]:
        """The document's bytes (no more than the bound allows) and its Cache-Control."""
        async with self._client.stream("GET", self._url, timeout=self._timeout) as response:
            if response.status_code != 200:
                raise JwksRefused(f"the JWKS URL answered HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    raise JwksRefused(f"the JWKS document is larger than {MAX_JWKS_BYTES} bytes")
            return bytes(body), response.headers.get("cache-control")


def build_identity_keys(settings: JwksSettings | None) -> HttpJwksSource | None:
    """The identity provider's keys when the hub has one, on a client of their own."""
    if settings is None:
        return None
    return HttpJwksSource(
        httpx.AsyncClient(limits=httpx.Limits(max_connections=4)),
        url=settings.url,
        timeout=settings.timeout_seconds,
        refetch_interval=settings.refetch_interval_seconds,
        max_age=settings.max_age_seconds,
    )
