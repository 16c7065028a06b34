"""The Federal Case Registry, read from its SQL database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.expression import Executable

from datasources.addresses import AddressRecord
from datasources.audit import AuditEventDraft
from datasources.audit_outbox import stage
from datasources.batch_statements import keys_in
from datasources.fcr import (
    CaseFilter,
    CaseRecord,
    CaseRoleRecord,
    MisidentifiedSsnRecord,
    ParticipantFilter,
    ParticipantRecord,
)
from datasources.keyset import align_many, align_one, fetch_page
from datasources.models.fcr import (
    AUDIT_OUTBOX,
    AddressRow,
    CaseParticipantRow,
    CaseRow,
    MisidentifiedSsnRow,
    ParticipantRow,
)
from datasources.pages import Page, PageRequest
from datasources.read_connections import read, read_batch, write_transaction
from telemetry.sources import instrumented

_P = ParticipantRow.__table__.c
_C = CaseRow.__table__.c
_R = CaseParticipantRow.__table__.c
_A = AddressRow.__table__.c
_M = MisidentifiedSsnRow.__table__.c


_PARTICIPANTS_BY_ID = select(ParticipantRow.__table__).where(keys_in(_P.id))
# the lowest id wins when two participants carry one SSN
_PARTICIPANTS_BY_SSN = (
    select(ParticipantRow.__table__).where(keys_in(_P.ssn)).order_by(_P.id.desc())
)
_CASES_BY_ID = select(CaseRow.__table__).where(keys_in(_C.id))
_ROLES_BY_CASE = (
    select(_R.case_id, _R.participant_id, _R.role)
    .where(keys_in(_R.case_id))
    .order_by(_R.case_id, _R.role, _R.participant_id)
)
_ROLES_BY_PARTICIPANT = (
    select(_R.case_id, _R.participant_id, _R.role)
    .where(keys_in(_R.participant_id))
    .order_by(_R.participant_id, _R.case_id)
)
_JURISDICTIONS_BY_PARTICIPANT = (
    select(_R.participant_id, _C.jurisdiction)
    .join(CaseRow.__table__, _C.id == _R.case_id)
    .where(keys_in(_R.participant_id))
    .distinct()
)
_ADDRESSES_BY_PARTICIPANT = (
    select(AddressRow.__table__)
    .where(keys_in(_A.participant_id))
    .order_by(_A.reported_on.desc(), _A.id)
)
_MISIDENTIFIED_BY_PARTICIPANT = (
    select(MisidentifiedSsnRow.__table__)
    .where(keys_in(_M.participant_id))
    .order_by(_M.reported_on, _M.id)
)


def _participant(row: Row[Any]) -> ParticipantRecord:
    return ParticipantRecord(**row._mapping)


def _case(row: Row[Any]) -> CaseRecord:
    return CaseRecord(**row._mapping)


@instrumented("fcr")
class SqlFcrSource:
    """`FcrSource` over the FCR's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _rows(self, stmt: Executable, keys: Sequence[Any]) -> Sequence[Row[Any]]:
        return await read_batch(self._engine, stmt, keys)

    async def get_participants(self, ids: Sequence[int]) -> Sequence[ParticipantRecord | None]:
        rows = await self._rows(_PARTICIPANTS_BY_ID, ids)
        return align_one(ids, map(_participant, rows), lambda p: p.id)

    async def get_participants_by_ssn(
        self, ssns: Sequence[str]
    ) -> Sequence[ParticipantRecord | None]:
        rows = await self._rows(_PARTICIPANTS_BY_SSN, ssns)
        return align_one(ssns, map(_participant, rows), lambda p: p.ssn)

    async def get_cases(self, ids: Sequence[int]) -> Sequence[CaseRecord | None]:
        rows = await self._rows(_CASES_BY_ID, ids)
        return align_one(ids, map(_case, rows), lambda c: c.id)

    async def list_roles_by_case(self, case_ids: Sequence[int]) -> Sequence[list[CaseRoleRecord]]:
        rows = await self._rows(_ROLES_BY_CASE, case_ids)
        roles = [CaseRoleRecord(**row._mapping) for row in rows]
        return align_many(case_ids, roles, lambda r: r.case_id)

    async def list_roles_by_participant(
        self, participant_ids: Sequence[int]
    ) -> Sequence[list[CaseRoleRecord]]:
        rows = await self._rows(_ROLES_BY_PARTICIPANT, participant_ids)
        roles = [CaseRoleRecord(**row._mapping) for row in rows]
        return align_many(participant_ids, roles, lambda r: r.participant_id)

    async def list_jurisdictions(self, participant_ids: Sequence[int]) -> Sequence[frozenset[str]]:
        rows = await self._rows(_JURISDICTIONS_BY_PARTICIPANT, participant_ids)
        pairs = [(row.participant_id, row.jurisdiction) for row in rows]
        grouped = align_many(participant_ids, pairs, lambda pair: pair[0])
        return [frozenset(code for _, code in group) for group in grouped]

    async def list_addresses(self, participant_ids: Sequence[int]) -> Sequence[list[AddressRecord]]:
        rows = await self._rows(_ADDRESSES_BY_PARTICIPANT, participant_ids)
        pairs = [
            (
                row.participant_id,
                AddressRecord(
                    line1=row.line1,
                    line2=row.line2,
                    city=row.city,
                    state=row.state,
                    zip=row.zip,
                    source=row.source,
                    reported_on=row.reported_on,
                ),
            )
            for row in rows
        ]
        grouped = align_many(participant_ids, pairs, lambda pair: pair[0])
        return [[address for _, address in group] for group in grouped]

    async def list_misidentified_ssns(
        self, participant_ids: Sequence[int]
    ) -> Sequence[list[MisidentifiedSsnRecord]]:
        rows = await self._rows(_MISIDENTIFIED_BY_PARTICIPANT, participant_ids)
        records = [MisidentifiedSsnRecord(**row._mapping) for row in rows]
        return align_many(participant_ids, records, lambda m: m.participant_id)

    async def list_participants(
        self, where: ParticipantFilter, page: PageRequest
    ) -> Page[ParticipantRecord]:
        stmt = select(ParticipantRow.__table__)
        if where.ssn is not None:
            stmt = stmt.where(_P.ssn == where.ssn)
        if where.last_name is not None:
            stmt = stmt.where(func.lower(_P.last_name) == where.last_name.lower())
        if where.first_name is not None:
            stmt = stmt.where(func.lower(_P.first_name) == where.first_name.lower())
        if where.date_of_birth is not None:
            stmt = stmt.where(_P.date_of_birth == where.date_of_birth)
        if where.held_by is not None:
            held = (
                select(_R.participant_id)
                .join(CaseRow.__table__, _C.id == _R.case_id)
                .where(_C.jurisdiction == where.held_by)
            )
            stmt = stmt.where(_P.id.in_(held))
        return await read(
            self._engine, lambda conn: fetch_page(conn, stmt, _P.id, page, _participant)
        )

    async def list_cases(self, where: CaseFilter, page: PageRequest) -> Page[CaseRecord]:
        stmt = select(CaseRow.__table__)
        if where.jurisdiction is not None:
            stmt = stmt.where(_C.jurisdiction == where.jurisdiction)
        if where.status is not None:
            stmt = stmt.where(_C.status == where.status)
        if where.participant_id is not None:
            on_case = select(_R.case_id).where(_R.participant_id == where.participant_id)
            stmt = stmt.where(_C.id.in_(on_case))
        return await read(self._engine, lambda conn: fetch_page(conn, stmt, _C.id, page, _case))

    async def add_misidentified_ssn(
        self,
        *,
        participant_id: int,
        ssn: str,
        reported_by: str,
        reported_on: date,
        event: Callable[[MisidentifiedSsnRecord], AuditEventDraft],
    ) -> MisidentifiedSsnRecord | None:
        stmt = (
            insert(MisidentifiedSsnRow)
            .values(
                participant_id=participant_id,
                ssn=ssn,
                reported_by=reported_by,
                reported_on=reported_on,
            )
            .returning(_M.id)
        )
        try:
            async with write_transaction(self._engine) as conn:
                entry_id = await conn.scalar(stmt)
                record = MisidentifiedSsnRecord(
                    id=int(entry_id or 0),
                    participant_id=participant_id,
                    ssn=ssn,
                    reported_by=reported_by,
                    reported_on=reported_on,
                )
                await stage(conn, AUDIT_OUTBOX, [event(record)])
        except IntegrityError:
            return None
        return record

    async def remove_misidentified_ssn(self, entry_id: int, *, event: AuditEventDraft) -> bool:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(MisidentifiedSsnRow).where(_M.id == entry_id))
            if result.rowcount:
                await stage(conn, AUDIT_OUTBOX, [event])
        return bool(result.rowcount)
