"""The audit trail of sensitive reads, denials and writes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.audit import AuditEventPage, resolve_audit_events
from resolvers.context import Context
from schema.relay import Connection


@strawberry.type
class AuditEvent:
    """Served from the trail's events as they are (every field is one of theirs)."""

    at: datetime
    subject: str
    role: str
    jurisdiction: str | None
    operation: str = strawberry.field(description='Operation name, or "anonymous".')
    action: str = strawberry.field(description='"read", "write" or "deny".')
    resource: str = strawberry.field(description='e.g. "TaxRefundOffset.amount".')
    record_id: str | None
    purpose: str | None


@strawberry.type
class AuditQuery:
    @strawberry.field(
        graphql_type=Connection[AuditEvent],
        description="Audit events, oldest first (auditor only).",
    )
    async def audit_events(
        self,
        info: strawberry.Info[Context, None],
        subject: str | None = None,
        resource: str | None = None,
        since: datetime | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> AuditEventPage:
        return await resolve_audit_events(
            info, subject=subject, resource=resource, since=since, first=first, after=after
        )
