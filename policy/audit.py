"""The audit events of a request or an operation, gathered while it runs and written in batches.

An event is one fact of the trail: this viewer read, was denied, or wrote this record. Every
write is its own event. Reads and denials are collapsed only while they wait to be written
together, that is within one result (one HTTP answer, one WebSocket `next` message): the same
viewer reading the same record's field twice in one answer is one disclosure, and an event per
alias or repeated fragment would let one query multiply the trail without telling an auditor
anything more. Once a batch is taken (`take`, or `drafts` replaced), the next read of that
record is a new event, so three reads in three operations are three events, however long
the log lives (a WebSocket connection, a subscription, a request).

Every transport writes a result's events the same way, with `write_before_answer`, before
that result leaves: the GraphQL HTTP answer (`schema.policy_extensions.AuditTrailWriter`),
each WebSocket result (`transport.graphql_ws`) and a document download
(`transport.downloads`). It fails closed: when the events cannot be written, the caller
withholds the answer. Every log is made by `AuditLog.for_request`, which bounds the purpose
a client declares.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from datasources.audit import AuditAction, AuditEventDraft, AuditOutcome, AuditTrail
from policy.tokens import Viewer

logger = logging.getLogger("hub.audit")

PURPOSE_MAX_CHARS = 64
"""How much of a declared purpose (the `X-Hub-Purpose` header) an event keeps."""

_PendingKey = tuple[str, str, str, str | None, str]


class AuditLog:
    """Events waiting to be written, for one viewer."""

    def __init__(self, viewer: Viewer, purpose: str | None = None) -> None:
        self.viewer = viewer
        self.purpose = purpose
        self._drafts: list[AuditEventDraft] = []
        self._pending: set[_PendingKey] = set()

    @classmethod
    def for_request(cls, viewer: Viewer, purpose: str | None) -> AuditLog:
        """A fresh log for one request or result; the purpose as declared, cut to its bound.

        An empty purpose is no purpose. The cut keeps one header from growing every
        event of the trail; every transport builds its log here, so they cut alike.
        """
        return cls(viewer=viewer, purpose=purpose[:PURPOSE_MAX_CHARS] if purpose else None)

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

    def draft(
        self,
        *,
        operation: str | None,
        action: AuditAction,
        resource: str,
        record_id: str | None,
        outcome: AuditOutcome,
    ) -> AuditEventDraft:
        """An event of this log's viewer and purpose, dated now, not (yet) recorded here.

        A written mutation's event is drafted so and handed to the source, which stores
        it in the change's own transaction (its audit outbox); it never waits in the log.
        """
        return AuditEventDraft(
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
        draft = self.draft(
            operation=operation,
            action=action,
            resource=resource,
            record_id=record_id,
            outcome=outcome,
        )
        if action != "write":
            key = _key(draft)
            if key in self._pending:
                return
            self._pending.add(key)
        self._drafts.append(draft)


async def write_before_answer(trail: AuditTrail, log: AuditLog, *, withheld: str) -> bool:
    """Write the log's pending events in one batch; False when that failed.

    Called before an answer leaves; on False the caller withholds it (fail closed): a
    disclosure that is not in the trail must not happen. The log line names the
    exception's type and what was withheld (`withheld`: "answer", "result",
    "download"), nothing the events hold. With nothing pending, nothing is written.
    """
    drafts = log.take()
    if not drafts:
        return True
    try:
        await trail.append_many(drafts)
    except Exception as error:  # any failure to record withholds the answer
        logger.error("audit events not written (%s): %s withheld", type(error).__name__, withheld)
        return False
    return True


def _key(draft: AuditEventDraft) -> _PendingKey:
    return (draft.operation, draft.action, draft.resource, draft.record_id, draft.outcome)
