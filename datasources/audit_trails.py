"""The audit trail the settings ask for: the hash-chained SQL trail, or one that drops events.

`HUB_AUDIT_DISCARD=on` exists to measure what writing the audit costs (the bench runs the
same load with and without it). It is refused outside development: `load_settings` will
not read it in production, and `build_audit_trail` refuses settings made otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import (
    AuditEventDraft,
    AuditEventRecord,
    AuditFilter,
    AuditTrail,
    RelayedEvent,
    VerifyResult,
)
from datasources.audit_chain import check_drafts
from datasources.pages import Page, PageRequest
from datasources.sql_audit import SqlAuditTrail
from settings import AUDIT_DISCARD, ENV, Settings, SettingsError

logger = logging.getLogger(__name__)


class DiscardingAuditTrail:
    """`AuditTrail` that drops what is appended; reads, verifies and purges the stored trail."""

    def __init__(self, stored: AuditTrail) -> None:
        self._stored = stored
        self.discarded = 0
        """How many events were handed in and dropped."""

    async def append_many(self, drafts: Sequence[AuditEventDraft]) -> None:
        check_drafts(drafts)  # refused alike, so that a measured run fails where a real one would
        self.discarded += len(drafts)

    async def append_relayed(self, events: Sequence[RelayedEvent]) -> int:
        check_drafts([event.draft for event in events])
        self.discarded += len(events)
        return len(events)

    async def list_events(self, where: AuditFilter, page: PageRequest) -> Page[AuditEventRecord]:
        return await self._stored.list_events(where, page)

    async def verify(self) -> VerifyResult:
        return await self._stored.verify()

    async def checkpoint(self) -> None:
        await self._stored.checkpoint()

    async def flush(self) -> None:
        await self._stored.flush()

    async def purge(self, *, older_than: datetime) -> int:
        return await self._stored.purge(older_than=older_than)


def build_audit_trail(settings: Settings, engine: AsyncEngine) -> AuditTrail:
    """The SQL trail on `engine`; behind a `DiscardingAuditTrail` when the settings say so."""
    stored = SqlAuditTrail(engine)
    if not settings.audit_discard:
        return stored
    if not settings.is_development:
        raise SettingsError(f"{AUDIT_DISCARD.env}=on is refused when {ENV.env}={settings.env}")
    logger.warning("audit events are dropped, not stored (%s=on)", AUDIT_DISCARD.env)
    return DiscardingAuditTrail(stored)
