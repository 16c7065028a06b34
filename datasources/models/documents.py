"""Electronic Document Exchange: documents sent and requested between jurisdictions.

A document's content is not in this database: `blob_key` names it in the blob
store, and `sha256`/`size_bytes` describe it. A REQUESTED document has no content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from datasources.models.audit_outbox import audit_outbox_table


class DocumentsBase(DeclarativeBase):
    pass


class DocumentRow(DocumentsBase):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_sender", "sender"),
        Index("ix_documents_recipient", "recipient"),
        Index("ix_documents_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer)
    """The FCR case (in another database, so no foreign key)."""
    form_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    sender: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10))
    contains_fti: Mapped[bool] = mapped_column(Boolean)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    blob_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    """The REQUESTED document this SENT document answers."""


AUDIT_OUTBOX = audit_outbox_table(DocumentsBase.metadata, "documents")
