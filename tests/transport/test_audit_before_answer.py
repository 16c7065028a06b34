"""One writer of audit events before an answer leaves (`policy.audit.write_before_answer`).

Every transport calls it and fails closed: when the events cannot be written, the answer
is withheld. Per transport: the GraphQL HTTP answer is tested in
tests/policy/test_audit_events.py (`..._withheld_when_the_trail_cannot_be_written`), a
download's content in tests/resolvers/test_documents.py
(`test_no_content_leaves_when_the_download_cannot_be_audited`); here, a WebSocket result
and a download's refusal, and the writer itself.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

import httpx
import pytest

from app import create_app
from datasources.audit import AuditEventDraft
from datasources.engines import dispose_engines
from policy.audit import AuditLog, write_before_answer
from policy.download_links import sign_download
from policy.tokens import Viewer
from resolvers.ids import encode_global_id
from settings import Settings
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber
from tests.services.servers import serve_app

SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b|\b\d{9}\b")
VIEWER = Viewer("worker-1", "state_worker", "06", None, False, 0)
OWN_SSNS = """
query OwnSsns { cases(state: "06", first: 2) { edges { node {
  participants { participant { id ssn } }
} } } }
"""


class _Trail:
    """An audit trail that keeps what it is given, or refuses every write."""

    def __init__(self, *, fails: bool = False) -> None:
        self.fails = fails
        self.written: list[AuditEventDraft] = []
        self.calls = 0

    async def append_many(self, drafts: Sequence[AuditEventDraft]) -> None:
        self.calls += 1
        if self.fails:
            raise ConnectionError("synthetic: 900-12-3456 must never reach the log")
        self.written.extend(drafts)


def _log_with_a_read() -> AuditLog:
    log = AuditLog.for_request(VIEWER, "CS")
    log.record(
        operation="Op",
        action="read",
        resource="Participant.ssn",
        record_id="UGFydGljaXBhbnQ6MQ",
        outcome="allowed",
    )
    return log


async def test_the_events_are_written_in_one_batch_and_the_log_starts_afresh():
    trail, log = _Trail(), _log_with_a_read()
    assert await write_before_answer(trail, log, withheld="answer") is True  # type: ignore[arg-type]
    assert [(d.resource, d.purpose) for d in trail.written] == [("Participant.ssn", "CS")]
    assert log.drafts == []


async def test_nothing_pending_writes_nothing():
    trail = _Trail(fails=True)
    log = AuditLog.for_request(VIEWER, None)
    assert await write_before_answer(trail, log, withheld="answer") is True  # type: ignore[arg-type]
    assert trail.calls == 0


async def test_an_unwritable_trail_says_withhold_and_logs_the_type_only(
    caplog: pytest.LogCaptureFixture,
):
    trail = _Trail(fails=True)
    with caplog.at_level(logging.ERROR, logger="hub.audit"):
        written = await write_before_answer(trail, _log_with_a_read(), withheld="result")  # type: ignore[arg-type]
    assert written is False
    assert caplog.messages == ["audit events not written (ConnectionError): result withheld"]


def test_a_log_for_a_request_cuts_the_purpose_and_drops_an_empty_one():
    assert AuditLog.for_request(VIEWER, "x" * 100).purpose == "x" * 64
    assert AuditLog.for_request(VIEWER, "").purpose is None
    assert AuditLog.for_request(VIEWER, None).purpose is None


def _unwritable_audit(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The same sources, but an audit database that was never migrated: every write fails."""
    broken = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('unwritable-audit')}/audit.db"
    return replace(settings, database_urls={**settings.database_urls, "audit": broken})


@pytest.fixture(scope="module")
def unaudited_hub(sqlite_hub: Hub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeded SQLite hub served live, with an audit trail it cannot write to."""
    with serve_app(create_app(_unwritable_audit(sqlite_hub.settings, tmp_path_factory))) as url:
        yield url


async def test_a_websocket_result_is_withheld_when_its_events_cannot_be_written(
    unaudited_hub: str, sqlite_hub: Hub
):
    # given a socket of a state worker on a hub that cannot write its audit trail
    async with subscriber(unaudited_hub) as socket:
        ack = await socket.init(sqlite_hub.token("state_worker", jurisdiction="06"))
        assert ack["type"] == "connection_ack"
        # when an operation reads full SSNs of own participants
        message = {"id": "1", "type": "subscribe", "payload": {"query": OWN_SSNS}}
        await socket.socket.send(json.dumps(message))
        answer = await socket.receive()
        # then the result leaves without its data: an internal error, no SSN
        assert answer["type"] == "next", answer
        assert answer["payload"]["data"] is None
        codes = [e["extensions"]["code"] for e in answer["payload"]["errors"]]
        assert codes == ["INTERNAL_SERVER_ERROR"]
        assert not SSN.search(json.dumps(answer))
        assert (await socket.receive())["type"] == "complete"


async def test_a_websocket_result_that_reads_nothing_audited_still_answers(
    unaudited_hub: str, sqlite_hub: Hub
):
    async with subscriber(unaudited_hub) as socket:
        await socket.init(sqlite_hub.token("state_worker", jurisdiction="06"))
        query = '{ directoryEntry(code: "06") { name } }'
        message = {"id": "1", "type": "subscribe", "payload": {"query": query}}
        await socket.socket.send(json.dumps(message))
        answer = await socket.receive()
    assert answer["payload"] == {"data": {"directoryEntry": {"name": "California"}}}


async def test_a_download_refusal_is_withheld_when_its_denial_cannot_be_written(
    sqlite_hub: Hub, tmp_path_factory: pytest.TempPathFactory
):
    # given a hub that cannot write its audit trail, and a link with a wrong signature
    settings = _unwritable_audit(sqlite_hub.settings, tmp_path_factory)
    app = create_app(settings)
    document = encode_global_id("Document", 1)
    link = sign_download(document, expires_at=int(time.time()) + 60, secret="not-the-hub-secret")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        response = await client.get(link, headers=sqlite_hub.headers("ocss_staff"))
    await dispose_engines(app.state.engines)
    # then not even the refusal leaves unaudited: an internal error instead of its 403
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }
