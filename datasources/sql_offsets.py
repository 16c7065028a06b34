"""Offset certifications and tax refund offsets, read from their SQL database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.expression import Executable

from datasources.audit import AuditEventDraft
from datasources.audit_outbox import stage
from datasources.batch_statements import keys_in
from datasources.keyset import align_many, align_one, fetch_page
from datasources.models.offsets import AUDIT_OUTBOX, OffsetCertificationRow, TaxRefundOffsetRow
from datasources.offsets import (
    CertificationChange,
    CertificationFilter,
    ConcurrentUpdate,
    OffsetCertificationRecord,
    TaxRefundOffsetRecord,
)
from datasources.pages import Page, PageRequest
from datasources.read_connections import read, read_batch, write_transaction
from telemetry.sources import instrumented

_O = OffsetCertificationRow.__table__.c
UPDATE_ATTEMPTS = 5
_T = TaxRefundOffsetRow.__table__.c


_CERTIFICATIONS_BY_ID = select(OffsetCertificationRow.__table__).where(keys_in(_O.id))
_CERTIFICATIONS_BY_SSN = (
    select(OffsetCertificationRow.__table__).where(keys_in(_O.ssn)).order_by(_O.id)
)
_REFUND_OFFSETS_BY_CERTIFICATION = (
    select(TaxRefundOffsetRow.__table__)
    .where(keys_in(_T.certification_id))
    .order_by(_T.tax_year.desc(), _T.id)
)


def _certification(row: Row[Any]) -> OffsetCertificationRecord:
    return OffsetCertificationRecord(**row._mapping)


@instrumented("offsets")
class SqlOffsetSource:
    """`OffsetSource` over the offset files' own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _rows(self, stmt: Executable, keys: Sequence[Any]) -> Sequence[Row[Any]]:
        return await read_batch(self._engine, stmt, keys)

    async def get_certifications(
        self, ids: Sequence[int]
    ) -> Sequence[OffsetCertificationRecord | None]:
        rows = await self._rows(_CERTIFICATIONS_BY_ID, ids)
        return align_one(ids, map(_certification, rows), lambda c: c.id)

    async def list_certifications_by_ssn(
        self, ssns: Sequence[str]
    ) -> Sequence[list[OffsetCertificationRecord]]:
        records = [_certification(row) for row in await self._rows(_CERTIFICATIONS_BY_SSN, ssns)]
        return align_many(ssns, records, lambda c: c.ssn)

    async def list_tax_refund_offsets(
        self, certification_ids: Sequence[int]
    ) -> Sequence[list[TaxRefundOffsetRecord]]:
        rows = await self._rows(_REFUND_OFFSETS_BY_CERTIFICATION, certification_ids)
        records = [TaxRefundOffsetRecord(**row._mapping) for row in rows]
        return align_many(certification_ids, records, lambda t: t.certification_id)

    async def list_certifications(
        self, where: CertificationFilter, page: PageRequest
    ) -> Page[OffsetCertificationRecord]:
        stmt = select(OffsetCertificationRow.__table__)
        if where.submitting_state is not None:
            stmt = stmt.where(_O.submitting_state == where.submitting_state)
        if where.ssn is not None:
            stmt = stmt.where(_O.ssn == where.ssn)
        if where.passport_status is not None:
            stmt = stmt.where(_O.passport_status == where.passport_status)
        return await read(
            self._engine, lambda conn: fetch_page(conn, stmt, _O.id, page, _certification)
        )

    async def update_certification(
        self,
        certification_id: int,
        change: Callable[[OffsetCertificationRecord], CertificationChange],
        *,
        event: AuditEventDraft,
    ) -> OffsetCertificationRecord | None:
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                async with write_transaction(self._engine) as conn:
                    current = await self._locked(conn, certification_id)
                    if current is None:
                        return None
                    if await self._write(conn, current, change(current)):
                        await stage(conn, AUDIT_OUTBOX, [event])
                        return await self._locked(conn, certification_id)
            except OperationalError as error:
                # SQLite refuses to upgrade a snapshot another writer has overtaken
                if "locked" not in str(error.orig):
                    raise
            await asyncio.sleep(0.01 * (attempt + 1))
        raise ConcurrentUpdate("the certification kept changing; try again")

    async def _locked(
        self, conn: AsyncConnection, certification_id: int
    ) -> OffsetCertificationRecord | None:
        stmt = select(OffsetCertificationRow.__table__).where(_O.id == certification_id)
        if conn.dialect.name != "sqlite":
            stmt = stmt.with_for_update()
        row = (await conn.execute(stmt)).first()
        return _certification(row) if row is not None else None

    async def _write(
        self, conn: AsyncConnection, current: OffsetCertificationRecord, wanted: CertificationChange
    ) -> bool:
        # the version guard makes a write that raced another one apply to nothing
        result = await conn.execute(
            update(OffsetCertificationRow)
            .where(_O.id == current.id, _O.version == current.version)
            .values(
                arrears_amount=wanted.arrears_amount,
                case_type=wanted.case_type,
                passport_status=wanted.passport_status,
                version=current.version + 1,
            )
        )
        return result.rowcount == 1
