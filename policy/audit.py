"""The audit events of a request or an operation, gathered while it runs and written in batches.

An event is one fact of the trail: this viewer read, was denied, or wrote this record. Every
write is its own event. Reads and denials are collapsed only while they wait to be written
together, that is within one result (one HTTP answer, one WebSocket `next` message): the same
viewer reading the same record's field twice in one answer is one disclosure, and an event per
alias or repeated fragment would let one query multiply the trail without telling an auditor
anything more. Once a batch is taken (`take`, or `drafts` replaced), the next read of that
record is a new event, so three reads in three operations are three events, however long
the log lives (a WebSocket connection, a subscription, a request).
"""

from __future__ import annotations

from datetime import UTC, datetime

from datasources.audit import AuditAction, AuditEventDraft, AuditOutcome
from policy.tokens import Viewer

_PendingKey = tuple[str, str, str, str | None, str]


class AuditLog:
    """Events waiting to be written, for one viewer."""

    def __init__(self, viewer: Viewer, purpose: str | None = None) -> None:
        self.viewer = viewer
        self.purpose = purpose
        self._drafts: list[AuditEventDraft] = []
        self._pending: set[_PendingKey] = set()

    @property
    def drafts(self) -> list[AuditEventDraft]:
        """The events not yet written, in the order they happened."""
        return self._drafts

    @drafts.setter
    def drafts(self, drafts: list[AuditEventDraft]) -> None:
        self._drafts = drafts
        self._pending = {_key(draft) for draft in drafts if draft.action != "write"}

    def take(self) -> list[AuditEventDraft]:
        """Hand over the pending events (to be written) and start a new batch."""
        drafts = self._drafts
        self.drafts = []
        return drafts

    def record(
        self,
        *,
        operation: str | None,
        action: AuditAction,
        resource: str,
        record_id: str | None,
        outcome: AuditOutcome,
    ) -> None:
        """Add an event; a read or denial already pending in this batch is not repeated."""
        draft = AuditEventDraft(
            subject=self.viewer.subject,
            role=self.viewer.role,
            jurisdiction=self.viewer.jurisdiction,
            operation=operation or "anonymous",
            action=action,
            resource=str(resource),
            record_id=record_id,
            purpose=self.purpose,
            outcome=outcome,
            at=datetime.now(UTC),
        )
        if action != "write":
            key = _key(draft)
            if key in self._pending:
                return
            self._pending.add(key)
        self._drafts.append(draft)


def _key(draft: AuditEventDraft) -> _PendingKey:
    return (draft.operation, draft.action, draft.resource, draft.record_id, draft.outcome)
