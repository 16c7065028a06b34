"""Where automatic persisted queries (APQ) are kept: Redis across processes, or this process.

A store maps a document's SHA-256 (lowercase hex) to its text. It holds only documents the
hub verified (the hash is the text's) and answered; it is bounded by a key TTL in Redis and
by a count of documents in memory, and neither ever logs a document's text.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("hub.apq")

MEMORY_CAPACITY = 1000
"""Documents one process keeps without Redis, least recently used out."""


class ApqStore(Protocol):
    """Persisted documents by hash."""

    async def get(self, digest: str) -> str | None:
        """The document whose SHA-256 is `digest`; None when not kept or unreachable."""
        ...

    async def put(self, digest: str, document: str) -> None:
        """Keep `document` under `digest`; a store that cannot be reached keeps nothing."""
        ...


class MemoryApqStore:
    """One process's documents, least recently used first out."""

    def __init__(self, capacity: int = MEMORY_CAPACITY) -> None:
        self.capacity = capacity
        self._documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, digest: str) -> str | None:
        document = self._documents.get(digest)
        if document is not None:
            self._documents.move_to_end(digest)
        return document

    async def put(self, digest: str, document: str) -> None:
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.capacity:
            self._documents.popitem(last=False)


class RedisApqStore:
    """Documents shared by every hub process on one Redis, each key expiring after `ttl`."""

    def __init__(self, redis: Redis, *, ttl_seconds: int, prefix: str = "hub:apq:") -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix

    async def get(self, digest: str) -> str | None:
        try:
            value = await self.redis.get(self.prefix + digest)
        except Exception as error:  # a miss: the client sends the text again
            logger.warning("APQ store not read (%s)", type(error).__name__)
            return None
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def put(self, digest: str, document: str) -> None:
        try:
            await self.redis.set(self.prefix + digest, document.encode(), ex=self.ttl_seconds)
        except Exception as error:  # the answer stands; the next request registers again
            logger.warning("APQ store not written (%s)", type(error).__name__)

    async def close(self) -> None:
        await self.redis.aclose()


__all__ = ["ApqStore", "MemoryApqStore", "RedisApqStore"]
