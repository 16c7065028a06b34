"""Blob stores: on disk (atomic writes) and in S3 (SigV4 against a real S3-compatible server)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from datasources.blobs import BlobNotFound, BlobStoreError, check_key
from datasources.local_blobs import LocalBlobStore
from datasources.s3_blobs import Credentials, S3BlobStore, authorization, canonical_request

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
BUCKET = "hub-documents"
REGION = "us-east-1"
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


# ---------------------------------------------------------------- SigV4, AWS's published examples


EXAMPLE_KEYS = {
    "iam": Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    "s3": Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
}


def _sign(method: str, url: str, headers: dict[str, str], payload: str, *, service: str) -> str:
    keys = EXAMPLE_KEYS[service]
    url_ = httpx.URL(url)
    return authorization(
        method, url_, headers, payload, credentials=keys, region=REGION, service=service
    )


def test_sigv4_iam_list_users_example():
    # the worked example of the AWS General Reference ("Signature Version 4 signing process")
    url = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Host": "iam.amazonaws.com",
        "X-Amz-Date": "20150830T123600Z",
    }
    request, _ = canonical_request("GET", httpx.URL(url), headers, EMPTY_SHA256)
    assert hashlib.sha256(request.encode()).hexdigest() == (
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
    )
    assert _sign("GET", url, headers, EMPTY_SHA256, service="iam").endswith(
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )


def test_sigv4_s3_get_object_example():
    # Amazon S3 API Reference, "Example: GET Object"
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "Range": "bytes=0-9",
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
    }
    signed = _sign(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        headers,
        EMPTY_SHA256,
        service="s3",
    )
    assert signed == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_sigv4_s3_put_object_example():
    # Amazon S3 API Reference, "Example: PUT Object"
    payload = hashlib.sha256(b"Welcome to Amazon S3.").hexdigest()
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "Date": "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": payload,
        "x-amz-date": "20130524T000000Z",
    }
    url = "https://examplebucket.s3.amazonaws.com/test%24file.text"
    assert _sign("PUT", url, headers, payload, service="s3").endswith(
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
    )


# ---------------------------------------------------------------- S3 against moto's server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto_server exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


def _unchecked(service: str, url: str, headers: dict[str, str]) -> str:
    """A signature moto routes by service; the first actions are not checked."""
    return authorization(
        "POST" if service == "iam" else "PUT",
        httpx.URL(url),
        headers,
        EMPTY_SHA256,
        credentials=Credentials("AKIASETUP", "setup"),
        region=REGION,
        service=service,
    )


def _iam(endpoint: str, **params: str) -> httpx.Response:
    headers = {"x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")}
    headers["authorization"] = _unchecked("iam", endpoint + "/", headers)
    body = {"Version": "2010-05-08", **params}
    return httpx.post(endpoint + "/", data=body, headers=headers, timeout=10)


def _setup_moto(endpoint: str) -> Credentials:
    """In moto's unauthenticated first actions: a user with an S3 policy, its key, a bucket."""
    assert _iam(endpoint, Action="CreateUser", UserName="hub").status_code == 200
    created = _iam(endpoint, Action="CreateAccessKey", UserName="hub")
    assert created.status_code == 200
    text = created.text
    access = text.split("<AccessKeyId>")[1].split("</AccessKeyId>")[0]
    secret = text.split("<SecretAccessKey>")[1].split("</SecretAccessKey>")[0]
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    )
    put_policy = _iam(
        endpoint, Action="PutUserPolicy", UserName="hub", PolicyName="s3", PolicyDocument=policy
    )
    assert put_policy.status_code == 200
    bucket_url = f"{endpoint}/{BUCKET}"
    headers = {
        "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "x-amz-content-sha256": EMPTY_SHA256,
    }
    headers["authorization"] = _unchecked("s3", bucket_url, headers)
    assert httpx.put(bucket_url, headers=headers, timeout=10).status_code == 200
    return Credentials(access, secret)


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[tuple[str, Credentials]]:
    """A moto S3 server on a loopback port that checks every signature after its setup."""
    binary = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.fail("moto_server is not installed: pip install 'moto[server]' (dev extra)")
    port = _free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "4"}
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        yield endpoint, _setup_moto(endpoint)
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
async def s3_store(moto_s3: tuple[str, Credentials]) -> AsyncIterator[S3BlobStore]:
    endpoint, credentials = moto_s3
    store = S3BlobStore(
        httpx.AsyncClient(timeout=30),
        endpoint=endpoint,
        bucket=BUCKET,
        region=REGION,
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
    )
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


async def test_s3_refuses_a_wrong_signature(moto_s3: tuple[str, Credentials]):
    # given a store whose secret is not the key's
    endpoint, credentials = moto_s3
    store = S3BlobStore(
        httpx.AsyncClient(timeout=30),
        endpoint=endpoint,
        bucket=BUCKET,
        region=REGION,
        access_key=credentials.access_key,
        secret_key=credentials.secret_key + "x",
    )
    try:
        # then the server refuses its requests, and the store says so without content
        with pytest.raises(BlobStoreError, match="HTTP 403"):
            await store.put("documents/forged", b"forged")
    finally:
        await store.close()


async def test_s3_unreachable_is_a_store_error():
    store = S3BlobStore(
        httpx.AsyncClient(timeout=2),
        endpoint=f"http://127.0.0.1:{_free_port()}",
        bucket=BUCKET,
        region=REGION,
        access_key="AKIA",
        secret_key="secret",
    )
    try:
        with pytest.raises(BlobStoreError, match="failed"):
            await store.exists("documents/any")
    finally:
        await store.close()
