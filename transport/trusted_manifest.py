"""The manifest of trusted documents (HUB_TRUSTED_DOCUMENTS_FILE), in either format tools emit.

- Apollo's `persisted-query-manifest.json` (`@apollo/generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
  [{"id", "name", "type", "body"}]}`, where `id` is the SHA-256 of `body`;
- The Guild's graphql-codegen client-preset `persisted-documents.json`:
  `{"<sha256>": "<document>"}`.

Every hash is verified against its document when the file is read; a file that is not
one of these, or holds a hash that is not its document's, stops the hub from starting
with a `SettingsError` that names the file and the entry's position, never its text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import orjson

from settings import SettingsError

APOLLO_FORMAT = "apollo-persisted-query-manifest"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def document_hash(document: str) -> str:
    """The SHA-256 of a document's UTF-8 text in lowercase hex, as Apollo's and The Guild's do."""
    return hashlib.sha256(document.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """The trusted documents of the manifest at `path`, by hash."""
    try:
        raw = orjson.loads(path.read_bytes())
    except OSError as error:
        raise SettingsError(
            f"trusted documents file {path} cannot be read ({error.strerror})"
        ) from None
    except orjson.JSONDecodeError:
        raise SettingsError(f"trusted documents file {path} is not JSON") from None
    if isinstance(raw, dict) and raw.get("format") == APOLLO_FORMAT:
        pairs = _apollo_pairs(raw, path)
    elif isinstance(raw, dict) and "format" not in raw:
        pairs = list(raw.items())
    else:
        raise SettingsError(
            f"trusted documents file {path} is neither an Apollo persisted query manifest"
            " nor a graphql-codegen persisted-documents.json"
        )
    return _verified(pairs, path)


def _apollo_pairs(raw: dict[str, object], path: Path) -> list[tuple[object, object]]:
    operations = raw.get("operations")
    if raw.get("version") != 1 or not isinstance(operations, list):
        raise SettingsError(
            f"trusted documents file {path}: an Apollo manifest of version 1 has a list"
            " of `operations`"
        )
    pairs: list[tuple[object, object]] = []
    for position, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise SettingsError(
                f"trusted documents file {path}: operation {position} is not an object"
            )
        pairs.append((operation.get("id"), operation.get("body")))
    return pairs


def _verified(pairs: list[tuple[object, object]], path: Path) -> dict[str, str]:
    documents: dict[str, str] = {}
    for position, (digest, body) in enumerate(pairs):
        where = f"trusted documents file {path}: entry {position}"
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
            raise SettingsError(f"{where} has no SHA-256 (64 lowercase hexadecimal digits)")
        if not isinstance(body, str):
            raise SettingsError(f"{where} has no document text")
        if document_hash(body) != digest:
            raise SettingsError(f"{where}: the hash is not the SHA-256 of its document")
        documents[digest] = body
    return documents


__all__ = ["document_hash", "load_manifest"]
