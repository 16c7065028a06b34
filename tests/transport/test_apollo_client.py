"""A real Apollo Client (4, with its persisted-queries link) against a live hub over HTTP.

Without trusted documents, the client's first request is its hash alone, answered
PersistedQueryNotFound; it retries with the text and the hash, which registers it; its next
request, by hash alone, is answered. Under `enforce`, the manifest that Apollo's own
`generate-persisted-query-manifest` wrote from the same document holds the client's hash,
so the first hash-only request is answered; the hub and both Apollo tools agree on it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

from tests.conftest import Hub, serving
from tests.transport import node_clients
from transport.trusted_manifest import load_manifest

ANSWER = {"answer": {"viewer": {"role": "analyst", "jurisdiction": "FED", "__typename": "Viewer"}}}


def _exchanges(lines: list[dict[str, object]]) -> list[object]:
    return [line["exchange"] for line in lines if "exchange" in line]


def _answers(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    return [line for line in lines if "answer" in line]


def _generated_manifest(tmp_path: Path) -> Path:
    """Apollo's generate-persisted-query-manifest, run on tests/clients/documents."""
    output = tmp_path / "persisted-query-manifest.json"
    config = tmp_path / "manifest.config.json"
    documents = str(node_clients.CLIENTS / "documents" / "**" / "*.graphql")
    config.write_text(json.dumps({"documents": [documents], "output": str(output)}))
    cli = node_clients.CLIENTS / "node_modules/@apollo/generate-persisted-query-manifest/cli.js"
    done = subprocess.run(
        [node_clients.node(), str(cli), "--config", str(config)],
        cwd=node_clients.CLIENTS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return output


def test_apollo_client_apq_miss_register_hit(sqlite_hub: Hub):
    # given a live hub that has not seen the client's document
    token = sqlite_hub.token("analyst", jurisdiction="FED")
    with serving(sqlite_hub.settings) as url:
        # when Apollo Client asks twice through its persisted-queries link
        lines = node_clients.run("apq_dance.mjs", url, token=token, timeout=60)
    # then: hash alone (not found), text and hash (registered), hash alone (answered)
    exchanges = _exchanges(lines)
    assert [(e["sentQuery"], e["status"], e["codes"]) for e in exchanges] == [  # type: ignore[index]
        (False, 200, ["PERSISTED_QUERY_NOT_FOUND"]),
        (True, 200, []),
        (False, 200, []),
    ]
    assert len({e["hash"] for e in exchanges}) == 1  # type: ignore[index]
    assert _answers(lines) == [{**ANSWER, "error": None}] * 2


def test_apollo_client_under_enforce_with_apollos_generated_manifest(
    sqlite_hub: Hub, tmp_path: Path
):
    # given a hub enforcing the manifest Apollo's tool generated
    manifest = _generated_manifest(tmp_path)
    assert len(load_manifest(manifest)) == 1
    settings = replace(
        sqlite_hub.settings, trusted_documents="enforce", trusted_documents_file=manifest
    )
    token = sqlite_hub.token("analyst", jurisdiction="FED")
    with serving(settings) as url:
        lines = node_clients.run("apq_dance.mjs", url, token=token, timeout=60)
    # then the client's hash is the manifest's: every request is its hash alone, answered
    exchanges = _exchanges(lines)
    assert [(e["sentQuery"], e["status"]) for e in exchanges] == [(False, 200)] * 2  # type: ignore[index]
    assert {e["hash"] for e in exchanges} == set(load_manifest(manifest))  # type: ignore[index]
    assert _answers(lines) == [{**ANSWER, "error": None}] * 2
