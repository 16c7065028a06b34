"""Which blob store holds document contents, as the settings say.

S3 (or an S3-compatible store) when `HUB_BLOB_S3_ENDPOINT` is set, else files under
`HUB_BLOB_DIR`. The hub (`app.build_sources`) and `hub seed` (`cli`) both build it here,
so the seeder writes contents where the hub will read them.
"""

from __future__ import annotations

from datasources.blobs import BlobStore
from datasources.local_blobs import LocalBlobStore
from datasources.s3_blobs import S3BlobStore
from datasources.s3_clients import S3Connection, S3Endpoint
from settings import Settings


def build_blob_store(settings: Settings) -> BlobStore:
    """Document contents in S3 when HUB_BLOB_S3_ENDPOINT is set, else under HUB_BLOB_DIR."""
    s3 = settings.blob_s3
    if s3 is None:
        return LocalBlobStore(settings.blob_root)
    where = S3Endpoint(s3.endpoint, s3.region, s3.access_key, s3.secret_key)
    return S3BlobStore(S3Connection(where), bucket=s3.bucket)
