"""Blob stores: on disk (atomic writes) and in S3 (aiobotocore against a local S3 server)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from datasources.blobs import BlobNotFound, BlobStoreError, check_key
from datasources.local_blobs import LocalBlobStore
from datasources.s3_blobs import S3BlobStore
from datasources.s3_clients import S3Connection, S3Endpoint
from tests.services.moto_s3 import BLOB_BUCKET, REGION, MotoS3
from tests.services.servers import free_port

BAD_KEYS = ["", "/abs", "a//b", "../up", "a/../b", ".hidden", "a/.b", "sp ace", "a\\b", "x" * 201]


# ---------------------------------------------------------------- local


async def test_local_round_trip_and_replace(tmp_path: Path):
    store = LocalBlobStore(tmp_path / "blobs")
    assert not await store.exists("documents/one")
    await store.put("documents/one", b"first")
    await store.put("documents/one", b"second")
    assert await store.get("documents/one") == b"second"
    assert await store.exists("documents/one")
    await store.delete("documents/one")
    await store.delete("documents/one")  # a missing blob is no error
    assert not await store.exists("documents/one")
    with pytest.raises(BlobNotFound):
        await store.get("documents/one")


async def test_local_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # given a stored blob
    store = LocalBlobStore(tmp_path)
    await store.put("documents/doc", b"old content")

    # when replacing it fails at the rename
    def broken_replace(*_args: object) -> None:
        raise OSError("disk trouble")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk trouble"):
        await store.put("documents/doc", b"new content")
    monkeypatch.undo()
    # then the old content is whole and no temporary file is left behind
    assert await store.get("documents/doc") == b"old content"
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["doc"]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_keys_that_could_escape_are_refused(tmp_path: Path, key: str):
    with pytest.raises(ValueError, match="not a blob key"):
        check_key(key)
    with pytest.raises(ValueError, match="not a blob key"):
        await LocalBlobStore(tmp_path).put(key, b"x")


# ---------------------------------------------------------------- S3 against moto's server


def _store(server: MotoS3, *, secret_key: str | None = None, attempts: int = 3) -> S3BlobStore:
    where = S3Endpoint(
        server.endpoint,
        REGION,
        server.access_key,
        secret_key or server.secret_key,
        attempts=attempts,
    )
    return S3BlobStore(S3Connection(where), bucket=BLOB_BUCKET)


@pytest.fixture
async def s3_store(moto_s3: MotoS3) -> AsyncIterator[S3BlobStore]:
    store = _store(moto_s3)
    yield store
    await store.close()


async def test_s3_round_trip(s3_store: S3BlobStore):
    content = os.urandom(3 * 1024 * 1024 + 17)
    assert not await s3_store.exists("documents/big")
    await s3_store.put("documents/big", content)
    assert await s3_store.exists("documents/big")
    assert await s3_store.get("documents/big") == content
    await s3_store.put("documents/big", b"replaced")
    assert await s3_store.get("documents/big") == b"replaced"
    await s3_store.delete("documents/big")
    await s3_store.delete("documents/big")
    assert not await s3_store.exists("documents/big")
    with pytest.raises(BlobNotFound):
        await s3_store.get("documents/big")


async def test_s3_refuses_a_wrong_signature(moto_s3: MotoS3):
    # given a store whose secret is not the key's
    store = _store(moto_s3, secret_key=moto_s3.secret_key + "x")
    try:
        # then the server refuses its requests, and the store says so without content
        with pytest.raises(BlobStoreError, match="HTTP 403"):
            await store.put("documents/forged", b"forged")
        with pytest.raises(BlobStoreError, match="HTTP 403"):
            await store.get("documents/forged")
        with pytest.raises(BlobStoreError, match="HTTP 403"):
            await store.exists("documents/forged")
        with pytest.raises(BlobStoreError, match="HTTP 403"):
            await store.delete("documents/forged")
    finally:
        await store.close()


async def test_s3_keys_that_could_escape_are_refused_before_sending(s3_store: S3BlobStore):
    for method in (s3_store.get, s3_store.exists, s3_store.delete):
        with pytest.raises(ValueError, match="not a blob key"):
            await method("../up")
    with pytest.raises(ValueError, match="not a blob key"):
        await s3_store.put("a//b", b"x")


async def test_s3_a_missing_bucket_is_a_store_error(moto_s3: MotoS3):
    where = S3Endpoint(moto_s3.endpoint, REGION, moto_s3.access_key, moto_s3.secret_key)
    store = S3BlobStore(S3Connection(where), bucket="no-such-bucket")
    try:
        with pytest.raises(BlobStoreError, match="S3 GET answered HTTP 404"):
            await store.get("documents/any")
    finally:
        await store.close()


async def test_s3_unreachable_is_a_store_error():
    where = S3Endpoint(
        f"http://127.0.0.1:{free_port()}", REGION, "AKIA", "secret", timeout_seconds=2, attempts=1
    )
    store = S3BlobStore(S3Connection(where), bucket=BLOB_BUCKET)
    try:
        for method in (store.exists, store.get, store.delete):
            with pytest.raises(BlobStoreError, match="failed: EndpointConnectionError"):
                await method("documents/any")
        with pytest.raises(BlobStoreError, match="failed: EndpointConnectionError"):
            await store.put("documents/any", b"x")
    finally:
        await store.close()
