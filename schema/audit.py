"""The audit trail of sensitive reads, denials and writes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.paging import empty_page, page_request
from schema.relay import Connection, build_connection

LIST_NAME = "AuditEvent"


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


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Audit events, oldest first. The audit trail is not kept yet.")
    def audit_events(
        self,
        subject: str | None = None,
        resource: str | None = None,
        since: datetime | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        page_request(first, after, LIST_NAME, default=50)
        return build_connection(empty_page(), LIST_NAME, [])
