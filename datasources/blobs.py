"""Where document contents live: a key-value store of bytes, on disk or in S3."""

from __future__ import annotations

import re
from typing import Protocol

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")
MAX_KEY_LENGTH = 200


class BlobNotFound(KeyError):
    """No blob is stored under the key."""


class BlobStoreError(RuntimeError):
    """The store could not do what was asked; the message names no content."""


def check_key(key: str) -> str:
    """Refuse keys that could escape the store: only `a-z A-Z 0-9 . _ -` segments joined by `/`.

    Raises:
        ValueError: If the key is empty, too long, absolute, or has an empty or dot segment.
    """
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise ValueError("not a blob key")
    return key


class BlobStore(Protocol):
    """Bytes by key. Keys are checked with `check_key`; a put replaces the whole blob at once."""

    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any blob there; readers never see half of it."""
        ...

    async def get(self, key: str) -> bytes:
        """The blob under `key`.

        Raises:
            BlobNotFound: If nothing is stored under `key`.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove the blob under `key`; removing a missing blob is not an error."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""
        ...

    async def close(self) -> None:
        """Release connections the store holds; it is not used afterwards."""
        ...
