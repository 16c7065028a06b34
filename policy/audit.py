"""The audit events of one request, gathered while it runs and written once at its end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from datasources.audit import AuditAction, AuditEventDraft, AuditOutcome
from policy.tokens import Viewer


@dataclass
class AuditLog:
    """Events of one request; the same (action, resource, record) is recorded once."""

    viewer: Viewer
    purpose: str | None = None
    drafts: list[AuditEventDraft] = field(default_factory=list)
    _seen: set[tuple[str, str, str | None]] = field(default_factory=set)

    def record(
        self,
        *,
        operation: str | None,
        action: AuditAction,
        resource: str,
        record_id: str | None,
        outcome: AuditOutcome,
    ) -> None:
        key = (action, resource, record_id)
        if key in self._seen:
            return
        self._seen.add(key)
        self.drafts.append(
            AuditEventDraft(
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
        )
