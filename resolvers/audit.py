"""Reading the audit trail."""

from __future__ import annotations

from datetime import datetime

from strawberry import Info

from datasources.audit import AuditEventRecord, AuditFilter
from datasources.pages import Page
from resolvers.context import Context
from resolvers.paging import fetch_page, page_request

LIST_NAME = "AuditEvent"


async def resolve_audit_events(
    info: Info[Context, None],
    *,
    subject: str | None,
    resource: str | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[AuditEventRecord]:
    page = page_request(first, after, LIST_NAME, default=50)
    where = AuditFilter(subject=subject, resource=resource, since=since)
    return await fetch_page(info.context.sources.audit.list_events(where, page))
