"""Reading the audit trail."""

from __future__ import annotations

from datetime import datetime

from strawberry import Info

from datasources.audit import AuditEventRecord, AuditFilter
from resolvers.context import Context
from resolvers.paging import ConnectionView, connection_of, fetch_page, page_request

LIST_NAME = "AuditEvent"
AuditEventPage = ConnectionView[AuditEventRecord]
"""Events are served as the trail holds them: every field of `AuditEvent` is one of theirs."""


async def resolve_audit_events(
    info: Info[Context, None],
    *,
    subject: str | None,
    resource: str | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> AuditEventPage:
    page = page_request(first, after, LIST_NAME, default=50)
    where = AuditFilter(subject=subject, resource=resource, since=since)
    found = await fetch_page(info.context.sources.audit.list_events(where, page))
    return connection_of(found, LIST_NAME, found.items)
