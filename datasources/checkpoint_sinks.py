"""Append-only stores of signed audit checkpoints, outside the audit database.

`S3CheckpointSink` writes each checkpoint as its own object under COMPLIANCE object lock (the
bucket must be created with object lock enabled): until its retention date nobody, the
bucket's owner included, can delete or change that object version, and reading lists every
version, so a newer version or a delete marker hides nothing. `FileCheckpointSink` appends
JSON lines to a file opened with O_APPEND and fsyncs each; it is only as append-only as the
file system makes it (`chattr +a`, or a directory the hub's user cannot rewrite).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from datasources.audit_checkpoints import SignedCheckpoint
from datasources.s3_clients import S3Connection, S3Endpoint
from settings import Settings


class CheckpointSinkError(RuntimeError):
    """The sink could not store or read checkpoints; the message names no content."""


class CheckpointSink(Protocol):
    """Where signed checkpoints are published; nothing once published is changed."""

    async def publish(self, signed: SignedCheckpoint) -> None:
        """Store `signed` for good."""
        ...

    async def read_all(self) -> list[bytes]:
        """Every record ever published, each as it was stored."""
        ...

    async def read_newest(self) -> list[bytes]:
        """Records among which is the newest checkpoint (cheaper than `read_all`)."""
        ...

    async def close(self) -> None: ...


def _append_line(path: Path, line: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_lines(path: Path) -> list[bytes]:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line.strip()]


class FileCheckpointSink:
    """Checkpoints as JSON lines appended to one file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def publish(self, signed: SignedCheckpoint) -> None:
        try:
            await asyncio.to_thread(_append_line, self.path, signed.record())
        except OSError as error:
            raise CheckpointSinkError(f"checkpoint file: {type(error).__name__}") from error

    async def read_all(self) -> list[bytes]:
        try:
            return await asyncio.to_thread(_read_lines, self.path)
        except OSError as error:
            raise CheckpointSinkError(f"checkpoint file: {type(error).__name__}") from error

    async def read_newest(self) -> list[bytes]:
        return await self.read_all()

    async def close(self) -> None:
        return None


def _sink_error(method: str, error: Exception) -> CheckpointSinkError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "?")
        return CheckpointSinkError(f"checkpoint bucket: {method} answered {code}")
    return CheckpointSinkError(f"checkpoint bucket: {method} failed: {type(error).__name__}")


class S3CheckpointSink:
    """Checkpoints as objects `{prefix}{seq:020d}-{digest prefix}.json` under object lock."""

    def __init__(
        self,
        connection: S3Connection,
        *,
        bucket: str,
        prefix: str,
        lock_days: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._connection = connection
        self._bucket = bucket
        self._prefix = prefix
        self._lock = timedelta(days=lock_days)
        self._clock = clock

    def key_of(self, signed: SignedCheckpoint) -> str:
        checkpoint = signed.checkpoint
        return f"{self._prefix}{checkpoint.seq:020d}-{checkpoint.digest[:16]}.json"

    async def publish(self, signed: SignedCheckpoint) -> None:
        client = await self._connection.client()
        try:
            await client.put_object(
                Bucket=self._bucket,
                Key=self.key_of(signed),
                Body=signed.record(),
                ContentType="application/json",
                ChecksumAlgorithm="SHA256",  # S3 requires a checksum with a retention date
                ObjectLockMode="COMPLIANCE",
                ObjectLockRetainUntilDate=self._clock() + self._lock,
                IfNoneMatch="*",
            )
        except (ClientError, BotoCoreError, OSError) as error:
            raise _sink_error("PUT", error) from error

    async def read_all(self) -> list[bytes]:
        return await self._read(newest_only=False)

    async def read_newest(self) -> list[bytes]:
        """Every version of the highest key: keys sort by sequence number."""
        return await self._read(newest_only=True)

    async def _read(self, *, newest_only: bool) -> list[bytes]:
        client = await self._connection.client()
        try:
            versions: list[tuple[str, str]] = []
            paginator = client.get_paginator("list_object_versions")
            async for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix):
                versions += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            if newest_only and versions:
                last = max(key for key, _ in versions)
                versions = [(key, version) for key, version in versions if key == last]
            records: list[bytes] = []
            for key, version in versions:
                response = await client.get_object(Bucket=self._bucket, Key=key, VersionId=version)
                async with response["Body"] as body:
                    records.append(await body.read())
        except (ClientError, BotoCoreError, OSError) as error:
            raise _sink_error("LIST/GET", error) from error
        return records

    async def close(self) -> None:
        await self._connection.close()


def build_checkpoint_sink(settings: Settings) -> CheckpointSink | None:
    """The sink HUB_AUDIT_CHECKPOINT_SINK names; None when it is empty.

    An `s3://` sink uses the endpoint and key of HUB_BLOB_S3_* when they are set, else
    AWS's own endpoint and credential chain.
    """
    url = settings.audit_checkpoint_sink
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileCheckpointSink(Path(parts.path))
    s3 = settings.blob_s3
    if s3 is None:
        where = S3Endpoint(None, "")  # AWS_DEFAULT_REGION and the default credentials
    else:
        where = S3Endpoint(s3.endpoint, s3.region, s3.access_key, s3.secret_key)
    prefix = parts.path.lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return S3CheckpointSink(
        S3Connection(where),
        bucket=parts.netloc,
        prefix=prefix,
        lock_days=settings.audit_checkpoint_lock_days,
    )
