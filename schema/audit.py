"""The audit trail of sensitive reads, denials and writes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from datasources.audit import AuditEventRecord
from resolvers.audit import LIST_NAME, resolve_audit_events
from resolvers.context import Context
from schema.relay import Connection, build_connection


@strawberry.type
class AuditEvent:
    at: datetime
    subject: str
    role: str
    jurisdiction: str | None
    operation: str = strawberry.field(description='Operation name, or "anonymous".')
    action: str = strawberry.field(description='"read", "write" or "deny".')
    resource: str = strawberry.field(description='e.g. "TaxRefundOffset.amount".')
    record_id: str | None
    purpose: str | None

    @classmethod
    def from_record(cls, record: AuditEventRecord) -> AuditEvent:
        return cls(
            at=record.at,
            subject=record.subject,
            role=record.role,
            jurisdiction=record.jurisdiction,
            operation=record.operation,
            action=record.action,
            resource=record.resource,
            record_id=record.record_id,
            purpose=record.purpose,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Audit events, oldest first (auditor only).")
    async def audit_events(
        self,
        info: strawberry.Info[Context, None],
        subject: str | None = None,
        resource: str | None = None,
        since: datetime | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        page = await resolve_audit_events(
            info, subject=subject, resource=resource, since=since, first=first, after=after
        )
        return build_connection(
            page, LIST_NAME, [AuditEvent.from_record(item) for item in page.items]
        )
