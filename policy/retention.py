"""Seven years of audit events, and a purge on a schedule that keeps the chain verifiable."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from datasources.audit import AuditTrail

logger = logging.getLogger("hub.audit")

RETENTION_YEARS = 7


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment `years` earlier (28 February for a 29th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


async def purge_expired(trail: AuditTrail, years: int = RETENTION_YEARS) -> int:
    """Purge events older than the retention period; the trail checkpoints what it drops."""
    purged = await trail.purge(older_than=years_before(datetime.now(UTC), years))
    if purged:
        logger.info("purged %d audit events past retention", purged)
    return purged


async def purge_on_schedule(trail: AuditTrail, interval_seconds: float) -> None:
    """Purge now and then every `interval_seconds`; a failed run is logged and retried."""
    while True:
        try:
            await purge_expired(trail)
        except Exception as error:  # the next run tries again; the server keeps serving
            logger.error("audit purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval_seconds)
