"""Short-lived signed links to a document's content.

A link names the document and when it expires, and carries an HMAC-SHA256 over both
under a key derived from the token secret with a label of its own (so a link
signature is never a token signature). A link is only half the permission: the
download also needs the bearer token of a viewer who may still read the document.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import quote, urlencode

_LABEL = b"child-support-hub/download-link/v1"
PATH_TEMPLATE = "/documents/{id}/content"
_EXPIRES = re.compile(r"[0-9]{1,12}")  # ASCII digits only: int() also reads "١٢٣"
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")  # an unpadded base64url SHA-256


class DownloadRefused(Exception):
    """The link has expired, or its document, expiry or signature was altered."""


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()


def _signature(document_id: str, expires_at: int, secret: str) -> str:
    message = f"{document_id}\n{expires_at}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_download(document_id: str, *, expires_at: int, secret: str) -> str:
    """The link (path and query) to document `document_id`'s content, valid until `expires_at`.

    Args:
        document_id: The document's global id.
        expires_at: Unix time (seconds) after which the link is refused.
        secret: The hub's token secret; the link key is derived from it.
    """
    query = urlencode(
        {"expires": expires_at, "signature": _signature(document_id, expires_at, secret)}
    )
    return f"{PATH_TEMPLATE.format(id=quote(document_id, safe=''))}?{query}"


def verify_download(
    document_id: str,
    *,
    expires: str | None,
    signature: str | None,
    secret: str,
    now: float | None = None,
) -> None:
    """Accept a link's `expires` and `signature` for `document_id`, or refuse it.

    Raises:
        DownloadRefused: If either is missing or malformed, the signature does not match
            (compared in constant time), or the link has expired.
    """
    if (
        expires is None
        or signature is None
        or not _EXPIRES.fullmatch(expires)
        or not _SIGNATURE.fullmatch(signature)
    ):
        raise DownloadRefused("not a download link")
    expected = _signature(document_id, int(expires), secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise DownloadRefused("not a download link")
    if int(expires) < (time.time() if now is None else now):
        raise DownloadRefused("download link has expired")
