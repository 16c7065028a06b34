"""Documents of the Electronic Document Exchange, kept in their SQL database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Table, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.expression import Executable

from datasources.audit import AuditEventDraft
from datasources.audit_outbox import stage
from datasources.batch_statements import keys_in
from datasources.documents import DocumentDraft, DocumentRecord
from datasources.keyset import align_many, align_one, fetch_page
from datasources.models.documents import AUDIT_OUTBOX, DocumentsBase
from datasources.pages import Page, PageRequest
from datasources.read_connections import read, read_batch, write_transaction
from telemetry.sources import instrumented

_TABLE: Table = DocumentsBase.metadata.tables["documents"]
_D = _TABLE.c
_DOCUMENTS_BY_ID = select(_TABLE).where(keys_in(_D.id))
_DOCUMENTS_BY_CASE = select(_TABLE).where(keys_in(_D.case_id)).order_by(_D.id)


def _as_utc(value: datetime) -> datetime:
    """SQLite hands back UTC times without their zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _document(row: Row[Any]) -> DocumentRecord:
    values = dict(row._mapping)
    values["created_at"] = _as_utc(values["created_at"])
    return DocumentRecord(**values)


@instrumented("documents")
class SqlDocumentSource:
    """`DocumentSource` over the exchange's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _rows(self, stmt: Executable, keys: Sequence[Any]) -> Sequence[Row[Any]]:
        return await read_batch(self._engine, stmt, keys)

    async def get_many(self, ids: Sequence[int]) -> Sequence[DocumentRecord | None]:
        rows = await self._rows(_DOCUMENTS_BY_ID, ids)
        return align_one(ids, map(_document, rows), lambda d: d.id)

    async def list_for_jurisdiction(
        self,
        jurisdiction: str | None,
        *,
        case_id: int | None,
        status: str | None,
        page: PageRequest,
    ) -> Page[DocumentRecord]:
        stmt = select(_TABLE)
        if jurisdiction is not None:
            stmt = stmt.where(or_(_D.sender == jurisdiction, _D.recipient == jurisdiction))
        if case_id is not None:
            stmt = stmt.where(_D.case_id == case_id)
        if status is not None:
            stmt = stmt.where(_D.status == status)
        return await read(self._engine, lambda conn: fetch_page(conn, stmt, _D.id, page, _document))

    async def list_by_case(self, case_ids: Sequence[int]) -> Sequence[list[DocumentRecord]]:
        rows = await self._rows(_DOCUMENTS_BY_CASE, case_ids)
        pairs = [(row.case_id, _document(row)) for row in rows]
        grouped = align_many(case_ids, pairs, lambda pair: int(pair[0]))
        return [[document for _, document in group] for group in grouped]

    async def create(
        self, draft: DocumentDraft, *, event: Callable[[DocumentRecord], AuditEventDraft]
    ) -> DocumentRecord:
        values: dict[str, Any] = {**asdict(draft), "created_at": datetime.now(UTC)}
        async with write_transaction(self._engine) as conn:
            if draft.status == "SENT":
                values["request_id"] = await _answer_request(conn, draft)
            result = await conn.execute(insert(_TABLE).values(**values))
            (new_id,) = result.inserted_primary_key or (None,)
            row = (await conn.execute(select(_TABLE).where(_D.id == new_id))).one()
            document = _document(row)
            await stage(conn, AUDIT_OUTBOX, [event(document)])
        return document


async def _answer_request(conn: AsyncConnection, draft: DocumentDraft) -> int | None:
    """Mark the oldest open request this document answers RECEIVED; answer its id."""
    same_case = _D.case_id.is_(None) if draft.case_id is None else _D.case_id == draft.case_id
    stmt = (
        select(_D.id)
        .where(
            _D.status == "REQUESTED",
            _D.sender == draft.recipient,
            _D.recipient == draft.sender,
            _D.form_type == draft.form_type,
            same_case,
        )
        .order_by(_D.id)
        .limit(1)
        .with_for_update()
    )
    request_id: int | None = await conn.scalar(stmt)
    if request_id is not None:
        await conn.execute(update(_TABLE).where(_D.id == request_id).values(status="RECEIVED"))
    return request_id
