"""The document rule itself (`PersistedDocuments`), without a hub: what each shape resolves to."""

from __future__ import annotations

import hashlib

import pytest

from datasources.apq_stores import MemoryApqStore
from transport.graphql_refusals import Refusal
from transport.persisted_documents import PersistedDocuments, Resolved, is_plannable

QUERY = "{ viewer { role } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
HASH_ONLY = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}


def documents(mode: str = "off", *, trusted: bool = False) -> PersistedDocuments:
    return PersistedDocuments(
        MemoryApqStore(), mode=mode, trusted={DIGEST: QUERY} if trusted else None
    )


async def test_resolve_a_text_alone_is_that_text():
    assert await documents().resolve(QUERY, None) == Resolved(QUERY)
    assert await documents().resolve(None, None) == Resolved(None)


async def test_resolve_text_and_hash_registers_then_hash_alone_hits():
    rule = documents()
    resolved = await rule.resolve(QUERY, HASH_ONLY)
    assert resolved == Resolved(QUERY, DIGEST, register=True)
    await rule.register(resolved)
    assert await rule.resolve(None, HASH_ONLY) == Resolved(QUERY, DIGEST)


async def test_resolve_a_manifest_document_is_never_registered():
    resolved = await documents("log", trusted=True).resolve(QUERY, HASH_ONLY)
    assert resolved.register is False


@pytest.mark.parametrize(
    ("query", "extensions", "document_id"),
    [
        (5, HASH_ONLY, None),
        (QUERY, None, DIGEST),
        (None, None, "x" * 81),
        (None, None, 7),
    ],
    ids=["a query that is a number", "text and documentId", "a long documentId", "a number"],
)
async def test_resolve_refuses_malformed_requests_with_400(
    query: object, extensions: dict[str, object] | None, document_id: object
):
    with pytest.raises(Refusal) as refused:
        await documents().resolve(query, extensions, document_id)
    assert (refused.value.status_code, refused.value.code) == (400, "BAD_USER_INPUT")


async def test_inline_gives_plans_the_text_of_a_known_hash_only():
    rule = documents("enforce", trusted=True)
    assert await rule.inline({"extensions": HASH_ONLY, "variables": None}) == {
        "variables": None,
        "query": QUERY,
    }
    assert await rule.inline({"documentId": f"sha256:{DIGEST}"}) == {"query": QUERY}
    assert await rule.inline({"query": QUERY}) == {"query": QUERY}


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ viewer { sub } }"},  # untrusted, under enforce
        {"query": QUERY, "extensions": HASH_ONLY},  # a text with its hash
        {"extensions": "x"},
        {"extensions": {"persistedQuery": HASH_ONLY["persistedQuery"], "other": 1}},
        {"extensions": {}},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": DIGEST}}},
    ],
    ids=["untrusted", "registration", "not an object", "more", "empty", "unknown", "v2"],
)
async def test_inline_leaves_everything_else_to_the_standard_path(body: dict[str, object]):
    assert await documents("enforce", trusted=True).inline(body) is None


def test_is_plannable_only_without_extensions_or_with_the_hash_alone():
    assert is_plannable(None)
    assert is_plannable(HASH_ONLY)
    assert not is_plannable({})
    assert not is_plannable({**HASH_ONLY, "tracing": True})
