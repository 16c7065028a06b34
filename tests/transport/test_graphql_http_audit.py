"""The GraphQL over HTTP spec's own audit (npm graphql-http, auditServer) against a live hub."""

from __future__ import annotations

import json

from tests.conftest import Hub
from tests.transport import node_clients

AUDIT_SECONDS = 120


def test_every_must_and_should_of_the_graphql_over_http_audit_passes(live_hub: str, hub: Hub):
    # when the audit runs against the live hub, as an analyst
    results = node_clients.run(
        "audit_server.mjs",
        f"{live_hub}/graphql",
        token=hub.token("analyst"),
        timeout=AUDIT_SECONDS,
    )
    # then it ran its audits, and every MUST and SHOULD among them passed
    assert len(results) > 50, results
    required = [r for r in results if r["name"].startswith(("MUST", "SHOULD"))]
    failed = [r for r in required if r["status"] != "ok"]
    assert len(required) > 30
    assert not failed, f"{len(failed)} of {len(required)} audits failed:\n" + "\n".join(
        json.dumps(result) for result in failed
    )
