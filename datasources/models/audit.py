"""Audit trail tables: the hash-chained events, their checkpoints, and the chain head.

The store, not the database, numbers events: `seq` has no autoincrement, so a
gap can only come from a removed row. The head is a single row (`id` = 1) that
every writer locks first; it names the newest event and how far the chain has
been purged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# a 64-bit sequence on PostgreSQL; SQLite integers are 64-bit already
SEQ = BigInteger().with_variant(Integer(), "sqlite")
HASH_LENGTH = 64  # hex SHA-256


class AuditBase(DeclarativeBase):
    pass


class AuditEventRow(AuditBase):
    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint("action IN ('read', 'write', 'deny')", name="ck_audit_events_action"),
        CheckConstraint(
            "outcome IN ('allowed', 'masked', 'denied', 'omitted', 'written', 'refused')",
            name="ck_audit_events_outcome",
        ),
        Index("ix_audit_events_subject_seq", "subject", "seq"),
        Index("ix_audit_events_resource_seq", "resource", "seq"),
    )

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    operation: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(8))
    resource: Mapped[str] = mapped_column(String(255))
    record_id: Mapped[str | None] = mapped_column(String(255))
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(8))
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class AuditCheckpointRow(AuditBase):
    """The hash of event `seq` as it was when the checkpoint was taken."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditHeadRow(AuditBase):
    """The one row writers lock: the newest event, and the last purged one (0: none)."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(SEQ)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purged_through: Mapped[int] = mapped_column(SEQ)


class AuditRelayedRow(AuditBase):
    """An event relayed from a source's audit outbox, by its key: appended once, ever."""

    __tablename__ = "audit_relayed"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(SEQ)
