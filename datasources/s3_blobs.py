"""Blobs in S3 (or an S3-compatible store), over its REST API with AWS Signature Version 4."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from datasources.blobs import BlobNotFound, BlobStoreError, check_key

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str = field(repr=False)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    """The day's key: HMAC chain over date, region, service and "aws4_request"."""
    key = _hmac(f"AWS4{secret_key}".encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def _canonical_query(url: httpx.URL) -> str:
    pairs = sorted(
        (quote(name, safe="-_.~"), quote(value, safe="-_.~"))
        for name, value in url.params.multi_items()
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def canonical_request(
    method: str, url: httpx.URL, headers: Mapping[str, str], payload_hash: str
) -> tuple[str, str]:
    """The canonical request of SigV4 and its signed header names (";"-joined, sorted)."""
    lowered = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed = ";".join(names)
    path = url.raw_path.split(b"?", 1)[0].decode("ascii") or "/"
    parts = (method, path, _canonical_query(url), canonical_headers, signed, payload_hash)
    return "\n".join(parts), signed


def authorization(
    method: str,
    url: httpx.URL,
    headers: Mapping[str, str],
    payload_hash: str,
    *,
    credentials: Credentials,
    region: str,
    service: str,
) -> str:
    """The `Authorization` header of a request whose `headers` (with x-amz-date) are signed."""
    amz_date = next(value for name, value in headers.items() if name.lower() == "x-amz-date")
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    request, signed = canonical_request(method, url, headers, payload_hash)
    to_sign = "\n".join((ALGORITHM, amz_date, scope, _sha256_hex(request.encode())))
    key = signing_key(credentials.secret_key, amz_date[:8], region, service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )


class S3BlobStore:
    """`BlobStore` in one bucket, path-style (`{endpoint}/{bucket}/{key}`); owns `client`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        endpoint: str,
        bucket: str,
        region: str,
        access_key: str,
        secret_key: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._base = f"{endpoint.rstrip('/')}/{quote(bucket, safe='')}"
        self._region = region
        self._credentials = Credentials(access_key, secret_key)
        self._clock = clock

    async def _send(self, method: str, key: str, body: bytes = b"") -> httpx.Response:
        url = httpx.URL(f"{self._base}/{quote(check_key(key), safe='/')}")
        payload_hash = _sha256_hex(body)
        headers = {
            "host": url.netloc.decode("ascii"),
            "x-amz-content-sha256": payload_hash,
            "x-amz-date": self._clock().strftime("%Y%m%dT%H%M%SZ"),
        }
        headers["authorization"] = authorization(
            method,
            url,
            headers,
            payload_hash,
            credentials=self._credentials,
            region=self._region,
            service="s3",
        )
        try:
            return await self._client.request(method, url, headers=headers, content=body or None)
        except httpx.HTTPError as error:
            raise BlobStoreError(f"S3 {method} failed: {type(error).__name__}") from error

    async def put(self, key: str, data: bytes) -> None:
        _expect(await self._send("PUT", key, data), "PUT", 200)

    async def get(self, key: str) -> bytes:
        response = await self._send("GET", key)
        if response.status_code == 404:
            raise BlobNotFound(key)
        _expect(response, "GET", 200)
        return response.content

    async def delete(self, key: str) -> None:
        _expect(await self._send("DELETE", key), "DELETE", 200, 204, 404)

    async def exists(self, key: str) -> bool:
        response = await self._send("HEAD", key)
        if response.status_code == 404:
            return False
        _expect(response, "HEAD", 200)
        return True

    async def close(self) -> None:
        await self._client.aclose()


def _expect(response: httpx.Response, method: str, *statuses: int) -> None:
    if response.status_code not in statuses:
        raise BlobStoreError(f"S3 {method} answered HTTP {response.status_code}")
