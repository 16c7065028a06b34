"""Which document a request runs: its text, a persisted query's hash, or a trusted document.

Apollo's automatic persisted queries (APQ): `extensions.persistedQuery` is
`{"version": 1, "sha256Hash": "<64 lowercase hex>"}`. A hash alone runs the document kept
under it; one not kept is answered as Apollo Server 4 and 5 answer it, a 200 (GET or POST)
with `PersistedQueryNotFound` / PERSISTED_QUERY_NOT_FOUND and `Cache-Control: private,
no-cache, must-revalidate`, and the client sends the text with the hash. A text whose
SHA-256 is not the hash is a 400, "provided sha does not match query" (BAD_USER_INPUT); a
version other than 1 is a 400 "Unsupported persisted query version". The text is kept
(`datasources.apq_stores`) once the hub has answered it without a request error, as Apollo
Server keeps it only once it parsed and validated.

Trusted documents (HUB_TRUSTED_DOCUMENTS, the manifest of `transport.trusted_manifest`):
`enforce` runs only documents of the manifest, by text or by hash (`persistedQuery` or
GraphQL over HTTP's `documentId`, `sha256:<hex>` or bare hex), and decides before any
parse: a hash it does not hold is PERSISTED_QUERY_NOT_FOUND, a text it does not hold a 403
FORBIDDEN; nothing is registered. `log` serves every document and counts and logs those
outside the manifest, by a keyed digest (`log_name`), never their text or plain hash.
`off`: APQ only. See docs/adr/0012.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLError, OperationDefinitionNode, parse
from redis.asyncio import Redis

from datasources.apq_stores import MemoryApqStore, RedisApqStore
from transport.graphql_refusals import Refusal
from transport.trusted_manifest import SHA256_HEX, document_hash, load_manifest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from datasources.apq_stores import ApqStore
    from settings import Settings

logger = logging.getLogger("hub.documents")

_LOG_KEY = secrets.token_bytes(32)
"""Untrusted documents are logged by a keyed digest of this process, not by their SHA-256:
a text may hold an inline SSN, and a plain hash of it is confirmed by guessing."""


def log_name(digest: str) -> str:
    """How the log names a document outside the manifest: 16 hex of a keyed digest."""
    return hmac.new(_LOG_KEY, digest.encode(), hashlib.sha256).hexdigest()[:16]


NOT_FOUND_HEADERS = {"Cache-Control": "private, no-cache, must-revalidate"}


@dataclass
class DocumentStats:
    """What the trusted-documents gate saw, for metrics and tests."""

    untrusted_served: int = 0
    untrusted_refused: int = 0
    not_found: int = 0
    registered: int = 0


@dataclass(frozen=True)
class Resolved:
    """The document a request runs, and whether it is to be kept under its hash after."""

    query: str | None
    digest: str | None = None
    register: bool = False


def is_plannable(extensions: Mapping[str, object] | None) -> bool:
    """Whether a request's extensions leave its answer to plans: none, or only the hash."""
    return extensions is None or extensions.keys() == {"persistedQuery"}


def not_found() -> Refusal:
    return Refusal(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", NOT_FOUND_HEADERS)


def _bad(reason: str) -> Refusal:
    return Refusal(400, reason, "BAD_USER_INPUT")


def _requested_hash(extensions: Mapping[str, object] | None, document_id: object) -> str | None:
    """The hash a request names, checked for shape; None when it names none."""
    persisted = None if extensions is None else extensions.get("persistedQuery")
    if persisted is None and document_id is None:
        return None
    if persisted is not None and document_id is not None:
        raise _bad("A request names its document by `persistedQuery` or `documentId`, not both.")
    if document_id is not None:
        if not isinstance(document_id, str) or len(document_id) > 80:
            raise _bad("`documentId` must be `sha256:` and 64 lowercase hexadecimal digits.")
        digest: object = document_id.removeprefix("sha256:")
    else:
        if not isinstance(persisted, dict):
            raise _bad("`extensions.persistedQuery` must be an object.")
        version = persisted.get("version")
        if isinstance(version, bool) or version != 1:
            raise _bad("Unsupported persisted query version")
        digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64 or not SHA256_HEX.fullmatch(digest):
        raise _bad("A persisted document's hash is 64 lowercase hexadecimal digits.")
    return digest


class PersistedDocuments:
    """The APQ store and the manifest, and the one rule both transports ask."""

    def __init__(
        self,
        store: ApqStore,
        *,
        mode: str = "off",
        trusted: Mapping[str, str] | None = None,
        max_bytes: int = 64 * 1024,
    ) -> None:
        self.store = store
        self.mode = mode
        self.trusted: Mapping[str, str] = trusted or {}
        self.max_bytes = max_bytes
        self.stats = DocumentStats()

    def operation_names(self) -> list[str]:
        """The names of the manifest's operations (trusted texts, so parsing them is safe)."""
        names: list[str] = []
        for text in self.trusted.values():
            try:
                document = parse(text)
            except GraphQLError:
                continue
            names.extend(
                definition.name.value
                for definition in document.definitions
                if isinstance(definition, OperationDefinitionNode) and definition.name
            )
        return names

    async def lookup(self, digest: str) -> str | None:
        """The document of `digest`: the manifest's, else (unless enforced) the store's."""
        document = self.trusted.get(digest)
        if document is None and self.mode != "enforce":
            document = await self.store.get(digest)
        return document

    async def resolve(
        self,
        query: object,
        extensions: Mapping[str, object] | None,
        document_id: object = None,
    ) -> Resolved:
        """The document a request runs; raises `Refusal` for one it may not run."""
        digest = _requested_hash(extensions, document_id)
        if digest is None:
            if isinstance(query, str):
                self.check_text(query)
            return Resolved(query if isinstance(query, str) else None)
        if query is None:
            found = await self.lookup(digest)
            if found is None:
                self.stats.not_found += 1
                raise not_found()
            self._check_trusted(digest)
            return Resolved(found, digest)
        if not isinstance(query, str):
            raise _bad("`query` must be a string.")
        if document_id is not None:
            raise _bad("A request names its document by `query` or `documentId`, not both.")
        if document_hash(query) != digest:
            raise _bad("provided sha does not match query")
        self._check_trusted(digest)
        register = (
            self.mode != "enforce"
            and digest not in self.trusted
            and len(query.encode()) <= self.max_bytes
        )
        return Resolved(query, digest, register)

    def check_text(self, query: str) -> None:
        """Refuse, under `enforce`, a text outside the manifest (hashed, never parsed)."""
        if self.mode != "off":
            self._check_trusted(document_hash(query))

    def _check_trusted(self, digest: str, *, counted: bool = True) -> None:
        if self.mode == "off" or digest in self.trusted:
            return
        if self.mode == "enforce":
            if counted:
                self.stats.untrusted_refused += 1
                logger.info("untrusted document refused (document %s)", log_name(digest))
            raise Refusal(403, "Only trusted documents are served here.", "FORBIDDEN")
        self.stats.untrusted_served += 1
        logger.info("untrusted document served (document %s)", log_name(digest))

    async def inline(self, body: dict[str, object]) -> dict[str, object] | None:
        """A persisted request's body with its text in place of its hash, for plans.

        None for anything the standard path must answer (or refuse) itself.
        """
        extensions, document_id, query = (
            body.get("extensions"),
            body.get("documentId"),
            body.get("query"),
        )
        try:
            if extensions is None and document_id is None:
                if isinstance(query, str) and self.mode == "enforce":
                    self._check_trusted(document_hash(query), counted=False)
                return body
            if query is not None or not isinstance(extensions, dict | None):
                return None  # a registration, or worse: the standard path answers
            if not is_plannable(extensions):
                return None
            digest = _requested_hash(extensions, document_id)
            found = await self.lookup(digest) if digest is not None else None
            if digest is None or found is None:
                return None
        except Refusal:
            return None
        plain = {k: v for k, v in body.items() if k not in ("extensions", "documentId")}
        return {**plain, "query": found}

    async def close(self) -> None:
        if isinstance(self.store, RedisApqStore):
            await self.store.close()

    async def register(self, resolved: Resolved) -> None:
        """Keep a verified, answered document under its hash."""
        if resolved.register and resolved.digest is not None and resolved.query is not None:
            await self.store.put(resolved.digest, resolved.query)
            self.stats.registered += 1


def build_persisted_documents(settings: Settings) -> PersistedDocuments:
    """The APQ store (Redis when HUB_REDIS_URL is set) and the manifest the settings name."""
    store: ApqStore
    if settings.redis_url:
        store = RedisApqStore(
            Redis.from_url(settings.redis_url), ttl_seconds=settings.apq_ttl_seconds
        )
    else:
        store = MemoryApqStore()
    path = settings.trusted_documents_file
    return PersistedDocuments(
        store,
        mode=settings.trusted_documents,
        trusted=load_manifest(path) if path is not None else None,
        max_bytes=settings.apq_max_bytes,
    )


__all__ = [
    "DocumentStats",
    "PersistedDocuments",
    "Resolved",
    "build_persisted_documents",
    "is_plannable",
    "log_name",
    "not_found",
]
