"""Automatic persisted queries and trusted documents, over HTTP and WebSocket.

APQ answers as Apollo Server 4/5 does (a miss is a 200 `PersistedQueryNotFound` with
`Cache-Control: private, no-cache, must-revalidate`; a wrong hash a 400 "provided sha does
not match query"); trusted documents under `enforce` refuse what the manifest lacks before
any parse, `log` serves and counts it, `off` ignores the manifest.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql.language.parser import Parser
from starlette.applications import Starlette

from app import create_app
from settings import Settings, SettingsError, load_settings
from tests.conftest import Hub, serving
from tests.services.graphql_ws import subscriber
from tests.services.redis import redis_server_url
from tests.transport.conftest import LogWindow
from tests.transport.contract import codes
from transport.persisted_documents import log_name
from transport.trusted_manifest import load_manifest

QUERY_VIEWER = "{ viewer { role } }"
QUERY_VIEWER_NAMED = "query Who { viewer { role jurisdiction } }"
SUBSCRIPTION_NOTICES = "subscription { terminationNotices { id } }"
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(digest: object, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def apollo_manifest(*documents: str) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha(body), "name": f"Op{n}", "type": "query", "body": body}
            for n, body in enumerate(documents)
        ],
    }


def written(tmp_path: Path, content: object) -> Path:
    path = tmp_path / f"manifest-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(content))
    return path


@asynccontextmanager
async def hub_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        yield http, app


def trusted(hub: Hub, mode: str, manifest: Path) -> Settings:
    return replace(hub.settings, trusted_documents=mode, trusted_documents_file=manifest)


@pytest.fixture
def headers(sqlite_hub: Hub) -> dict[str, str]:
    return sqlite_hub.headers("analyst", jurisdiction="FED")


# APQ


async def test_apq_miss_register_hit_over_post(sqlite_hub: Hub, headers: dict[str, str]):
    # given a hub that has never seen the document
    digest = sha(QUERY_VIEWER)
    async with hub_client(sqlite_hub.settings) as (http, app):
        # when the hash alone is sent
        miss = await http.post("/graphql", json={"extensions": persisted(digest)}, headers=headers)
        # then it is not found, as Apollo Server answers it
        assert miss.status_code == 200
        assert miss.json() == NOT_FOUND
        assert miss.headers["cache-control"] == "private, no-cache, must-revalidate"
        # when the text is sent with its hash, and then the hash alone again
        body = {"query": QUERY_VIEWER, "extensions": persisted(digest)}
        registered = await http.post("/graphql", json=body, headers=headers)
        hit = await http.post("/graphql", json={"extensions": persisted(digest)}, headers=headers)
        # then both are answered, and the store kept one document
        assert registered.json() == {"data": {"viewer": {"role": "analyst"}}}
        assert hit.json() == registered.json()
        assert app.state.persisted.stats.registered == 1
        assert app.state.persisted.stats.not_found == 1


async def test_apq_over_get_misses_with_200_then_hits(sqlite_hub: Hub, headers: dict[str, str]):
    digest = sha(QUERY_VIEWER_NAMED)
    extensions = json.dumps(persisted(digest))
    async with hub_client(sqlite_hub.settings) as (http, _):
        miss = await http.get("/graphql", params={"extensions": extensions}, headers=headers)
        assert (miss.status_code, miss.json()) == (200, NOT_FOUND)
        params = {"query": QUERY_VIEWER_NAMED, "extensions": extensions}
        registered = await http.get("/graphql", params=params, headers=headers)
        assert registered.status_code == 200
        hit = await http.get("/graphql", params={"extensions": extensions}, headers=headers)
        assert hit.json() == {"data": {"viewer": {"role": "analyst", "jurisdiction": "FED"}}}


async def test_apq_miss_is_200_under_graphql_response_json(
    sqlite_hub: Hub, headers: dict[str, str]
):
    # Apollo Client 4 accepts application/graphql-response+json first; a miss stays a 200
    accept = {**headers, "Accept": "application/graphql-response+json, application/json;q=0.9"}
    async with hub_client(sqlite_hub.settings) as (http, _):
        body = {"extensions": persisted(sha("{ viewer { sub } }"))}
        miss = await http.post("/graphql", json=body, headers=accept)
    assert (miss.status_code, miss.json()) == (200, NOT_FOUND)


async def test_apq_document_that_fails_is_not_kept(sqlite_hub: Hub, headers: dict[str, str]):
    broken = "{ viewer { nonsense } }"
    async with hub_client(sqlite_hub.settings) as (http, app):
        body = {"query": broken, "extensions": persisted(sha(broken))}
        answer = await http.post("/graphql", json=body, headers=headers)
        assert codes(answer.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
        again = await http.post(
            "/graphql", json={"extensions": persisted(sha(broken))}, headers=headers
        )
        assert again.json() == NOT_FOUND
        assert app.state.persisted.stats.registered == 0


async def test_apq_document_over_the_size_limit_is_served_not_kept(
    sqlite_hub: Hub, headers: dict[str, str]
):
    padded = QUERY_VIEWER + " " * 200
    async with hub_client(replace(sqlite_hub.settings, apq_max_bytes=100)) as (http, app):
        body = {"query": padded, "extensions": persisted(sha(padded))}
        answer = await http.post("/graphql", json=body, headers=headers)
        assert answer.json() == {"data": {"viewer": {"role": "analyst"}}}
        assert app.state.persisted.stats.registered == 0


HOSTILE_EXTENSIONS = {
    "a hash that is not the text's": (
        {"query": QUERY_VIEWER, "extensions": persisted(sha("{ viewer { sub } }"))},
        "provided sha does not match query",
    ),
    "version 2": (
        {"extensions": persisted(sha(QUERY_VIEWER), version=2)},
        "Unsupported persisted query version",
    ),
    "version true": (
        {"extensions": persisted(sha(QUERY_VIEWER), version=True)},
        "Unsupported persisted query version",
    ),
    "no version": (
        {"extensions": {"persistedQuery": {"sha256Hash": sha(QUERY_VIEWER)}}},
        "Unsupported persisted query version",
    ),
    "persistedQuery a string": ({"extensions": {"persistedQuery": "abc"}}, None),
    "persistedQuery a list": ({"extensions": {"persistedQuery": [1]}}, None),
    "a huge hash": ({"extensions": persisted("a" * 1_000_000)}, None),
    "a hash that is not hex": ({"extensions": persisted("z" * 64)}, None),
    "an uppercase hash": ({"extensions": persisted(sha(QUERY_VIEWER).upper())}, None),
    "a hash that is a number": ({"extensions": persisted(12)}, None),
    "a hash and a documentId": (
        {"extensions": persisted(sha(QUERY_VIEWER)), "documentId": sha(QUERY_VIEWER)},
        None,
    ),
    "a documentId that is a list": ({"documentId": [sha(QUERY_VIEWER)]}, None),
    "a text and a documentId": ({"query": QUERY_VIEWER, "documentId": sha(QUERY_VIEWER)}, None),
}


@pytest.mark.parametrize(
    ("body", "message"), HOSTILE_EXTENSIONS.values(), ids=HOSTILE_EXTENSIONS.keys()
)
async def test_apq_hostile_extensions_are_400_bad_user_input(
    sqlite_hub: Hub,
    headers: dict[str, str],
    body: dict[str, Any],
    message: str | None,
    test_log: LogWindow,
):
    async with hub_client(sqlite_hub.settings) as (http, _):
        answer = await http.post("/graphql", json=body, headers=headers)
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert codes(errors) == ["BAD_USER_INPUT"]
    if message is not None:
        assert errors[0]["message"] == message
    assert "a" * 100 not in answer.text  # nothing sent is echoed
    assert not any("viewer" in line for line in test_log.lines)


async def test_apq_store_in_redis_is_shared_by_two_hub_processes(
    sqlite_hub: Hub, headers: dict[str, str]
):
    # given two hubs on one Redis (and a document neither has seen: a fresh alias)
    settings = replace(sqlite_hub.settings, redis_url=redis_server_url(), apq_ttl_seconds=60)
    document = f"{{ a{uuid.uuid4().hex[:8]}: viewer {{ role }} }}"
    digest = sha(document)
    async with hub_client(settings) as (first, _), hub_client(settings) as (second, _):
        # when the first registers it
        assert (
            await second.post("/graphql", json={"extensions": persisted(digest)}, headers=headers)
        ).json() == NOT_FOUND
        body = {"query": document, "extensions": persisted(digest)}
        assert (await first.post("/graphql", json=body, headers=headers)).status_code == 200
        # then the second serves it by hash alone
        hit = await second.post("/graphql", json={"extensions": persisted(digest)}, headers=headers)
        assert hit.status_code == 200
        assert list(hit.json()["data"].values()) == [{"role": "analyst"}]
    # and the key expires
    import redis

    client = redis.Redis.from_url(redis_server_url())
    try:
        assert 0 < client.ttl(f"hub:apq:{digest}") <= 60
    finally:
        client.close()


async def test_persisted_document_is_answered_by_a_compiled_plan(
    sqlite_hub: Hub, headers: dict[str, str]
):
    # given a document registered by APQ (its first answer is the standard path's)
    digest = sha(QUERY_VIEWER_NAMED)
    async with hub_client(sqlite_hub.settings) as (http, app):
        body = {"query": QUERY_VIEWER_NAMED, "extensions": persisted(digest)}
        first = await http.post("/graphql", json=body, headers=headers)
        assert app.state.plans.stats.compiled == 1
        # when the hash alone is sent again
        hit = await http.post("/graphql", json={"extensions": persisted(digest)}, headers=headers)
        # then a plan answers it, with the standard path's bytes
        assert app.state.plans.stats.served == 1
        assert hit.content == first.content


# trusted documents


async def test_trusted_enforce_serves_manifest_documents_by_text_hash_or_document_id(
    sqlite_hub: Hub, headers: dict[str, str], tmp_path: Path
):
    manifest = written(tmp_path, apollo_manifest(QUERY_VIEWER, QUERY_VIEWER_NAMED))
    expected = {"data": {"viewer": {"role": "analyst"}}}
    async with hub_client(trusted(sqlite_hub, "enforce", manifest)) as (http, _):
        by_text = await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
        by_hash = await http.post(
            "/graphql", json={"extensions": persisted(sha(QUERY_VIEWER))}, headers=headers
        )
        by_id = await http.post(
            "/graphql", json={"documentId": f"sha256:{sha(QUERY_VIEWER)}"}, headers=headers
        )
        by_bare_id = await http.get(
            "/graphql", params={"documentId": sha(QUERY_VIEWER)}, headers=headers
        )
    for answer in (by_text, by_hash, by_id, by_bare_id):
        assert (answer.status_code, answer.json()) == (200, expected)


async def test_trusted_enforce_refuses_other_documents_before_parsing(
    sqlite_hub: Hub, headers: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # given enforce, and a parser that would fail the test if it ran
    manifest = written(tmp_path, apollo_manifest(QUERY_VIEWER))
    parsed: list[str] = []
    real_parse = Parser.parse_document

    def watched(parser: Parser) -> Any:
        parsed.append(parser._lexer.source.body)
        return real_parse(parser)

    monkeypatch.setattr(Parser, "parse_document", watched)
    other = "{ viewer { sub } }"
    async with hub_client(trusted(sqlite_hub, "enforce", manifest)) as (http, app):
        parsed.clear()  # the hub read the manifest's own operation names as it started
        # when a text, a registration and a hash outside the manifest are sent
        text = await http.post("/graphql", json={"query": other}, headers=headers)
        register = await http.post(
            "/graphql", json={"query": other, "extensions": persisted(sha(other))}, headers=headers
        )
        unknown = await http.post(
            "/graphql", json={"extensions": persisted(sha(other))}, headers=headers
        )
        introspection = await http.post(
            "/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=headers
        )
        stats = app.state.persisted.stats
    # then the texts are FORBIDDEN (403), the hash not found, and nothing was parsed
    for answer in (text, register, introspection):
        assert answer.status_code == 403
        assert codes(answer.json()["errors"]) == ["FORBIDDEN"]
    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert parsed == []
    assert (stats.untrusted_refused, stats.registered) == (3, 0)
    # (the watch is real: the manifest's own document is parsed)
    async with hub_client(trusted(sqlite_hub, "enforce", manifest)) as (http, _):
        await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
    assert set(parsed) == {QUERY_VIEWER}


async def test_trusted_log_serves_and_counts_others_by_hash(
    sqlite_hub: Hub, headers: dict[str, str], tmp_path: Path, test_log: LogWindow
):
    manifest = written(tmp_path, {sha(QUERY_VIEWER): QUERY_VIEWER})  # graphql-codegen's format
    other = "{ viewer { sub } }"
    async with hub_client(trusted(sqlite_hub, "log", manifest)) as (http, app):
        trusted_answer = await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
        other_answer = await http.post("/graphql", json={"query": other}, headers=headers)
        stats = app.state.persisted.stats
    assert trusted_answer.status_code == other_answer.status_code == 200
    assert "data" in other_answer.json()
    assert stats.untrusted_served == 1
    logged = [line for line in test_log.lines if "untrusted document served" in line]
    assert len(logged) == 1
    # named by this process's keyed digest: a plain SHA-256 of a text with an SSN is guessable
    assert log_name(sha(other)) in logged[0]
    assert sha(other) not in logged[0]
    assert not any("sub }" in line for line in test_log.lines)


async def test_trusted_off_ignores_the_manifest(
    sqlite_hub: Hub, headers: dict[str, str], tmp_path: Path
):
    manifest = written(tmp_path, apollo_manifest(QUERY_VIEWER))
    async with hub_client(trusted(sqlite_hub, "off", manifest)) as (http, app):
        answer = await http.post("/graphql", json={"query": "{ viewer { sub } }"}, headers=headers)
        assert answer.status_code == 200
        assert app.state.persisted.stats.untrusted_served == 0


async def test_trusted_enforce_refuses_a_websocket_subscribe_outside_the_manifest(
    sqlite_hub: Hub, tmp_path: Path
):
    manifest = written(tmp_path, apollo_manifest(QUERY_VIEWER))
    settings = trusted(sqlite_hub, "enforce", manifest)
    with serving(settings) as url:
        async with subscriber(url) as socket:
            ack = await socket.init(sqlite_hub.token("state_worker", jurisdiction="06"))
            assert ack == {"type": "connection_ack"}
            await socket.subscribe(SUBSCRIPTION_NOTICES)
            refused = await socket.receive()
    assert refused["type"] == "error"
    assert codes(refused["payload"]) == ["FORBIDDEN"]


# the manifest


def test_manifest_of_apollo_and_of_graphql_codegen_load(tmp_path: Path):
    apollo = load_manifest(written(tmp_path, apollo_manifest(QUERY_VIEWER)))
    codegen = load_manifest(written(tmp_path, {sha(QUERY_VIEWER): QUERY_VIEWER}))
    assert apollo == codegen == {sha(QUERY_VIEWER): QUERY_VIEWER}


MALFORMED_MANIFESTS = {
    "a list": [QUERY_VIEWER],
    "a wrong hash": {sha("{ viewer { sub } }"): QUERY_VIEWER},
    "an uppercase hash": {sha(QUERY_VIEWER).upper(): QUERY_VIEWER},
    "a document that is a number": {sha(QUERY_VIEWER): 5},
    "an unknown format": {"format": "relay", "operations": []},
    "apollo version 2": {**apollo_manifest(QUERY_VIEWER), "version": 2},
    "apollo operations an object": {**apollo_manifest(), "operations": {}},
    "apollo operation a string": {**apollo_manifest(), "operations": ["x"]},
    "apollo id of another body": {
        **apollo_manifest(),
        "operations": [{"id": sha("{ a }"), "name": "A", "type": "query", "body": "{ b }"}],
    },
}


@pytest.mark.parametrize("content", MALFORMED_MANIFESTS.values(), ids=MALFORMED_MANIFESTS.keys())
def test_manifest_malformed_stops_the_hub_from_starting(
    sqlite_hub: Hub, tmp_path: Path, content: object
):
    manifest = written(tmp_path, content)
    with pytest.raises(SettingsError, match="trusted documents file") as refused:
        create_app(trusted(sqlite_hub, "enforce", manifest))
    assert QUERY_VIEWER not in str(refused.value)


def test_manifest_missing_or_not_json_stops_the_hub(sqlite_hub: Hub, tmp_path: Path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(SettingsError, match="is not JSON"):
        create_app(trusted(sqlite_hub, "log", broken))
    with pytest.raises(SettingsError, match="cannot be read"):
        create_app(trusted(sqlite_hub, "log", tmp_path / "absent.json"))


def test_settings_enforce_without_a_manifest_is_refused():
    with pytest.raises(SettingsError, match="HUB_TRUSTED_DOCUMENTS_FILE"):
        load_settings({"HUB_TRUSTED_DOCUMENTS": "enforce"})
    with pytest.raises(SettingsError, match="HUB_TRUSTED_DOCUMENTS"):
        load_settings({"HUB_TRUSTED_DOCUMENTS": "strict"})
