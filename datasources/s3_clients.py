"""One aiobotocore S3 client per process, opened on first use and closed at shutdown.

Signing (SigV4), retries and connection pooling are botocore's; the hub only says where
the store is and with which key. Path-style addressing (`{endpoint}/{bucket}/{key}`), so
S3-compatible stores on a plain host name work as AWS does.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from aiobotocore.config import AioConfig
from aiobotocore.session import ClientCreatorContext, get_session
from types_aiobotocore_s3 import S3Client

S3_TIMEOUT_SECONDS = 30.0
S3_ATTEMPTS = 3


@dataclass(frozen=True)
class S3Endpoint:
    """Where an S3 (or S3-compatible) store is, and the key to it; None: AWS's defaults."""

    endpoint: str | None
    region: str
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    timeout_seconds: float = S3_TIMEOUT_SECONDS
    attempts: int = S3_ATTEMPTS


class S3Connection:
    """The process's client of one S3 endpoint; every store on that endpoint shares it."""

    def __init__(self, where: S3Endpoint) -> None:
        self._where = where
        self._client: S3Client | None = None
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    async def client(self) -> S3Client:
        """The client, created (once) on first use, in the event loop that serves."""
        client = self._client
        if client is None:
            async with self._opening:
                client = self._client
                if client is None:
                    client = await self._stack.enter_async_context(self._create())
                    self._client = client
        return client

    def _create(self) -> ClientCreatorContext[S3Client]:
        where = self._where
        config = AioConfig(
            s3={"addressing_style": "path"},
            connect_timeout=where.timeout_seconds,
            read_timeout=where.timeout_seconds,
            retries={"total_max_attempts": where.attempts, "mode": "standard"},
            # only where S3 requires one (object lock puts): S3-compatible stores vary
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        return get_session().create_client(
            "s3",
            endpoint_url=where.endpoint or None,
            region_name=where.region or None,
            aws_access_key_id=where.access_key or None,
            aws_secret_access_key=where.secret_key or None,
            config=config,
        )

    async def close(self) -> None:
        """Close the client's connections; a later use opens a new client."""
        self._client = None
        await self._stack.aclose()
