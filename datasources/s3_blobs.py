"""Blobs in S3 (or an S3-compatible store), through aiobotocore's client."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from datasources.blobs import BlobNotFound, BlobStoreError, check_key
from datasources.s3_clients import S3Connection

_NOT_FOUND = frozenset({"NoSuchKey", "NotFound", "404"})


def _status(error: ClientError) -> int:
    status: int = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return status


def _is_not_found(error: ClientError) -> bool:
    # a missing bucket is a 404 too (NoSuchBucket), but a store error, not a missing blob
    return error.response.get("Error", {}).get("Code") in _NOT_FOUND


def _store_error(method: str, error: Exception) -> BlobStoreError:
    """What went wrong, by HTTP status or exception type: never a key's content."""
    if isinstance(error, ClientError):
        return BlobStoreError(f"S3 {method} answered HTTP {_status(error)}")
    return BlobStoreError(f"S3 {method} failed: {type(error).__name__}")


class S3BlobStore:
    """`BlobStore` in one bucket; closing it closes `connection`."""

    def __init__(self, connection: S3Connection, *, bucket: str) -> None:
        self._connection = connection
        self._bucket = bucket

    async def put(self, key: str, data: bytes) -> None:
        key = check_key(key)
        client = await self._connection.client()
        try:
            await client.put_object(Bucket=self._bucket, Key=key, Body=data)
        except (ClientError, BotoCoreError, OSError) as error:
            raise _store_error("PUT", error) from error

    async def get(self, key: str) -> bytes:
        key = check_key(key)
        client = await self._connection.client()
        try:
            response = await client.get_object(Bucket=self._bucket, Key=key)
            async with response["Body"] as body:
                return await body.read()
        except ClientError as error:
            if _is_not_found(error):
                raise BlobNotFound(key) from None
            raise _store_error("GET", error) from error
        except (BotoCoreError, OSError) as error:
            raise _store_error("GET", error) from error

    async def delete(self, key: str) -> None:
        key = check_key(key)
        client = await self._connection.client()
        try:
            await client.delete_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if not _is_not_found(error):
                raise _store_error("DELETE", error) from error
        except (BotoCoreError, OSError) as error:
            raise _store_error("DELETE", error) from error

    async def exists(self, key: str) -> bool:
        key = check_key(key)
        client = await self._connection.client()
        try:
            await client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if _is_not_found(error):
                return False
            raise _store_error("HEAD", error) from error
        except (BotoCoreError, OSError) as error:
            raise _store_error("HEAD", error) from error
        return True

    async def close(self) -> None:
        await self._connection.close()
