"""The audit log keeps every event: writes always, reads once per batch written together."""

from __future__ import annotations

from policy.audit import AuditLog
from policy.tokens import Viewer

VIEWER = Viewer(
    subject="w1", role="state_worker", jurisdiction="06", fein=None, fti=False, expires_at=0
)


def _read(log: AuditLog, record_id: str, operation: str = "Op") -> None:
    log.record(
        operation=operation,
        action="read",
        resource="Participant.ssn",
        record_id=record_id,
        outcome="allowed",
    )


def _write(log: AuditLog, record_id: str | None, outcome: str = "written") -> None:
    log.record(
        operation="Op",
        action="write",
        resource="MisidentifiedSsn",
        record_id=record_id,
        outcome="written" if outcome == "written" else "refused",
    )


def test_identical_reads_within_one_batch_are_one_event():
    log = AuditLog(VIEWER)
    for _ in range(3):
        _read(log, "P1")
    _read(log, "P2")
    assert [d.record_id for d in log.drafts] == ["P1", "P2"]


def test_reads_in_batches_taken_apart_are_each_an_event():
    # given one log living across three operations (a WebSocket connection, say)
    log = AuditLog(VIEWER)
    written = []
    for _ in range(3):
        _read(log, "P1")
        written += log.take()
    # then each operation's read is its own event
    assert [d.record_id for d in written] == ["P1", "P1", "P1"]
    assert log.drafts == []


def test_replacing_the_drafts_starts_a_new_batch():
    # the WebSocket handler hands drafts over by replacing the list
    log = AuditLog(VIEWER)
    _read(log, "P1")
    drafts, log.drafts = log.drafts, []
    _read(log, "P1")
    assert len(drafts) == 1
    assert [d.record_id for d in log.drafts] == ["P1"]


def test_reads_of_two_operations_in_one_batch_stay_apart():
    log = AuditLog(VIEWER)
    _read(log, "P1", operation="First")
    _read(log, "P1", operation="Second")
    assert [d.operation for d in log.drafts] == ["First", "Second"]


def test_every_write_is_its_own_event():
    # given add, add, remove of the same participant's reports in one request
    log = AuditLog(VIEWER)
    _write(log, "P1/M1")
    _write(log, "P1/M2")
    _write(log, "P1/M1")
    _write(log, "P1", outcome="refused")
    _write(log, "P1", outcome="refused")
    # then none is collapsed
    assert [(d.record_id, d.outcome) for d in log.drafts] == [
        ("P1/M1", "written"),
        ("P1/M2", "written"),
        ("P1/M1", "written"),
        ("P1", "refused"),
        ("P1", "refused"),
    ]
