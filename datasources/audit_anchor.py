"""The audit chain anchored outside its database: publishing signed checkpoints, checking them.

The hub publishes the audit database's checkpoints (every `CHECKPOINT_EVERY` events, and the
head whenever it checkpoints: every HUB_AUDIT_CHECKPOINT_INTERVAL seconds and at `hub audit
checkpoint`) to a `CheckpointSink`, signed. `verify_anchors` then holds the database to what
was published: each published event must still have its signed hash, and the database must
not end before the newest published event. A database rewritten after a checkpoint, even with
its whole chain recomputed so that it verifies on its own, contradicts the checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditTrail
from datasources.audit_checkpoints import (
    SignedCheckpoint,
    UnreadableCheckpoint,
    parse_record,
    sign_checkpoint,
)
from datasources.audit_keys import SigningKey, VerifyKeys, load_signing_key, load_verify_keys
from datasources.checkpoint_sinks import CheckpointSink, CheckpointSinkError, build_checkpoint_sink
from datasources.models.audit import AuditCheckpointRow, AuditEventRow, AuditHeadRow
from settings import Settings

logger = logging.getLogger(__name__)

PUBLISH_BATCH = 100
"""Checkpoints published per round at most; a backlog is worked off over rounds."""
PUBLISH_ATTEMPTS = 3
LOOKUP_CHUNK = 500


def newest(records: Sequence[bytes]) -> SignedCheckpoint | None:
    """The readable checkpoint of the highest sequence number (the latest signed of those)."""
    found: list[SignedCheckpoint] = []
    for record in records:
        try:
            found.append(parse_record(record))
        except UnreadableCheckpoint:
            continue
    return max(found, key=lambda s: (s.checkpoint.seq, s.checkpoint.signed_at), default=None)


class CheckpointPublisher:
    """Signs the audit database's new checkpoints and publishes them, in sequence order."""

    def __init__(
        self,
        trail: AuditTrail,
        engine: AsyncEngine,
        sink: CheckpointSink,
        key: SigningKey,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry_delay: float = 1.0,
    ) -> None:
        self._trail = trail
        self._engine = engine
        self._sink = sink
        self._key = key
        self._clock = clock
        self._retry_delay = retry_delay
        self._last: SignedCheckpoint | None = None
        self._started = False

    async def publish_due(self) -> int:
        """Checkpoint the head, then publish every checkpoint not yet published; how many."""
        if not self._started:
            self._last = newest(await self._sink.read_newest())
            self._started = True
        await self._trail.checkpoint()
        after = self._last.checkpoint.seq if self._last else 0
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(AuditCheckpointRow.seq, AuditCheckpointRow.hash, AuditCheckpointRow.at)
                    .where(AuditCheckpointRow.seq > after)
                    .order_by(AuditCheckpointRow.seq)
                    .limit(PUBLISH_BATCH)
                )
            ).all()
        for row in rows:
            prev = self._last.checkpoint.digest if self._last else None
            signed = sign_checkpoint(
                self._key, seq=row.seq, hash_=row.hash, at=row.at, now=self._clock(), prev=prev
            )
            await self._sink.publish(signed)
            self._last = signed
        if rows:
            logger.info("audit: published checkpoints through seq %d", rows[-1].seq)
        return len(rows)

    async def publish_with_retries(self) -> int:
        """`publish_due`, tried `PUBLISH_ATTEMPTS` times; a last failure is logged, not raised."""
        for attempt in range(1, PUBLISH_ATTEMPTS + 1):
            try:
                return await self.publish_due()
            except Exception as error:  # a sink or database failure must not stop the hub
                # the type only: a message could carry a path or a bucket's answer
                logger.warning(
                    "audit: publishing checkpoints failed (attempt %d of %d): %s",
                    attempt,
                    PUBLISH_ATTEMPTS,
                    type(error).__name__,
                )
                if attempt < PUBLISH_ATTEMPTS:
                    await asyncio.sleep(self._retry_delay * attempt)
        return 0

    async def close(self) -> None:
        await self._sink.close()

    async def run(self, interval_seconds: float) -> None:
        """Publish every `interval_seconds` until cancelled; answers never wait for it."""
        while True:
            await asyncio.sleep(interval_seconds)
            await self.publish_with_retries()


@dataclass
class AnchorReport:
    """What checking the database against the published checkpoints found."""

    published: int = 0
    checked: int = 0
    faults: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults


def _signed_checkpoints(
    records: Sequence[bytes], keys: VerifyKeys, report: AnchorReport
) -> list[SignedCheckpoint]:
    """The records whose signature verifies, in sequence order; the others are faults."""
    good: list[SignedCheckpoint] = []
    for number, record in enumerate(records, start=1):
        try:
            signed = parse_record(record)
        except UnreadableCheckpoint as error:
            report.faults.append(f"published record {number} is unreadable: {error}")
            continue
        checkpoint = signed.checkpoint
        if checkpoint.key_id not in keys.keys:
            report.faults.append(
                f"checkpoint at seq {checkpoint.seq} names key {checkpoint.key_id},"
                " which is not a verify key"
            )
        elif not signed.is_signed_by(keys):
            report.faults.append(
                f"checkpoint at seq {checkpoint.seq} is forged: its signature does not verify"
            )
        else:
            good.append(signed)
    good.sort(key=lambda s: (s.checkpoint.seq, s.checkpoint.signed_at))
    return good


def _check_links(checkpoints: Sequence[SignedCheckpoint], report: AnchorReport) -> None:
    """Each checkpoint follows one published before it: a removed checkpoint is a fault."""
    seen: dict[str, int] = {}
    lowest = checkpoints[0].checkpoint.seq if checkpoints else 0
    for signed in checkpoints:
        checkpoint = signed.checkpoint
        if checkpoint.prev is None:
            if checkpoint.seq != lowest:
                report.faults.append(
                    f"checkpoint at seq {checkpoint.seq} follows none, but others precede it"
                )
        elif seen.get(checkpoint.prev, checkpoint.seq) >= checkpoint.seq:
            report.faults.append(
                f"checkpoint at seq {checkpoint.seq} follows a checkpoint that is not"
                " published (removed from the store?)"
            )
        seen[checkpoint.digest] = checkpoint.seq


async def _database_hashes(
    engine: AsyncEngine, seqs: Sequence[int]
) -> tuple[int, int, dict[int, str], dict[int, str]]:
    """The head's seq and purge point, the stored events' hashes and checkpoints at `seqs`."""
    events: dict[int, str] = {}
    marks: dict[int, str] = {}
    async with engine.connect() as conn:
        head = (await conn.execute(select(AuditHeadRow.seq, AuditHeadRow.purged_through))).first()
        for start in range(0, len(seqs), LOOKUP_CHUNK):
            chunk = seqs[start : start + LOOKUP_CHUNK]
            found = await conn.execute(
                select(AuditEventRow.seq, AuditEventRow.hash).where(AuditEventRow.seq.in_(chunk))
            )
            events.update({row.seq: row.hash for row in found})
            kept = await conn.execute(
                select(AuditCheckpointRow.seq, AuditCheckpointRow.hash).where(
                    AuditCheckpointRow.seq.in_(chunk)
                )
            )
            marks.update({row.seq: row.hash for row in kept})
    head_seq, purged = (head.seq, head.purged_through) if head else (0, 0)
    return head_seq, purged, events, marks


def _contradiction(
    signed: SignedCheckpoint,
    head_seq: int,
    purged: int,
    events: dict[int, str],
    marks: dict[int, str],
) -> str | None:
    checkpoint = signed.checkpoint
    seq = checkpoint.seq
    named = f"checkpoint at seq {seq} (signed {checkpoint.signed_at})"
    if seq > head_seq:
        return f"the database ends at seq {head_seq}, before {named}: events were removed"
    if seq < purged:
        return None  # purged as retention allows; the purge point's checkpoint anchors the rest
    stored = marks.get(seq) if seq == purged else events.get(seq)
    if stored is None:
        return f"the database contradicts {named}: event {seq} is missing"
    if stored != checkpoint.hash:
        return f"the database contradicts {named}: event {seq} has another hash"
    return None


async def verify_anchors(
    engine: AsyncEngine, sink: CheckpointSink, keys: VerifyKeys
) -> AnchorReport:
    """Check every published checkpoint's signature and the database against each."""
    report = AnchorReport()
    try:
        records = await sink.read_all()
    except CheckpointSinkError as error:
        report.faults.append(f"the published checkpoints could not be read: {error}")
        return report
    report.published = len(records)
    checkpoints = _signed_checkpoints(records, keys, report)
    _check_links(checkpoints, report)
    seqs = sorted({signed.checkpoint.seq for signed in checkpoints})
    head_seq, purged, events, marks = await _database_hashes(engine, seqs)
    for signed in checkpoints:
        fault = _contradiction(signed, head_seq, purged, events, marks)
        if fault is None:
            report.checked += 1
        else:
            report.faults.append(fault)
    return report


def build_checkpoint_publisher(
    settings: Settings, trail: AuditTrail, engine: AsyncEngine
) -> CheckpointPublisher | None:
    """The publisher to the sink HUB_AUDIT_CHECKPOINT_SINK names; None when it names none."""
    sink = build_checkpoint_sink(settings)
    if sink is None:
        return None
    return CheckpointPublisher(trail, engine, sink, load_signing_key(settings))


async def verify_published(settings: Settings, engine: AsyncEngine) -> AnchorReport | None:
    """`verify_anchors` against the configured sink and keys; None when there is no sink."""
    sink = build_checkpoint_sink(settings)
    if sink is None:
        return None
    try:
        return await verify_anchors(engine, sink, load_verify_keys(settings))
    finally:
        await sink.close()
