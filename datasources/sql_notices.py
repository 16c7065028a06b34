"""Termination notices and their outbox, in their own SQL database."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from datasources.addresses import AddressRecord
from datasources.audit import AuditEventDraft
from datasources.audit_outbox import stage
from datasources.batch_statements import BATCH_KEYS, keys_in
from datasources.keyset import align_many, align_one, fetch_page
from datasources.models.notices import (
    AUDIT_OUTBOX,
    NoticeOutboxRow,
    NoticeStateRow,
    TerminationNoticeRow,
)
from datasources.notices import NoticeDraft, NoticeFilter, TerminationNoticeRecord
from datasources.pages import Page, PageRequest
from datasources.read_connections import read, read_rows, write_transaction
from telemetry.sources import instrumented

_N = TerminationNoticeRow.__table__.c
_S = NoticeStateRow.__table__.c
_O = NoticeOutboxRow.__table__.c
_NOTICES_BY_ID = select(TerminationNoticeRow).where(keys_in(_N.id))
_STATES_BY_NOTICE = select(_S.notice_id, _S.jurisdiction).where(keys_in(_S.notice_id))
_NEWEST_ID = select(func.max(_N.id))


def _address(row: Row[Any]) -> AddressRecord | None:
    if row.address_line1 is None:
        return None
    return AddressRecord(
        line1=row.address_line1,
        line2=row.address_line2,
        city=row.address_city,
        state=row.address_state,
        zip=row.address_zip,
    )


def _notice(row: Row[Any], states: Sequence[str]) -> TerminationNoticeRecord:
    reported_at = row.reported_at
    if reported_at.tzinfo is None:  # SQLite hands back naive UTC
        reported_at = reported_at.replace(tzinfo=UTC)
    return TerminationNoticeRecord(
        id=row.id,
        employer_id=row.employer_id,
        employer_fein=row.employer_fein,
        participant_id=row.participant_id,
        employee_name=row.employee_name,
        terminated_on=row.terminated_on,
        never_employed=row.never_employed,
        last_known_address=_address(row),
        new_employer_name=row.new_employer_name,
        reported_at=reported_at,
        states=tuple(sorted(states)),
    )


def _values(draft: NoticeDraft, now: datetime) -> dict[str, Any]:
    address = draft.last_known_address
    return {
        "employer_id": draft.employer_id,
        "employer_fein": draft.employer_fein,
        "participant_id": draft.participant_id,
        "employee_name": draft.employee_name,
        "terminated_on": draft.terminated_on,
        "never_employed": draft.never_employed,
        "address_line1": address.line1 if address else None,
        "address_line2": address.line2 if address else None,
        "address_city": address.city if address else None,
        "address_state": address.state if address else None,
        "address_zip": address.zip if address else None,
        "new_employer_name": draft.new_employer_name,
        "reported_at": now,
    }


@instrumented("notices")
class SqlNoticeSource:
    """`NoticeSource` over the notices database.

    A notice never changes once recorded, so the newest ones are kept in memory: when a
    notice fans out to a thousand subscribers of this process, it is read once, and
    subscribers asking at the same moment share that one read.
    """

    def __init__(self, engine: AsyncEngine, *, remember: int = 1024) -> None:
        self._engine = engine
        self._remember = remember
        self._recent: OrderedDict[int, TerminationNoticeRecord] = OrderedDict()
        self._pending: dict[int, asyncio.Future[TerminationNoticeRecord | None]] = {}

    async def record(
        self, draft: NoticeDraft, *, event: Callable[[TerminationNoticeRecord], AuditEventDraft]
    ) -> TerminationNoticeRecord:
        now = datetime.now(UTC)
        async with write_transaction(self._engine) as conn:
            notice_id = await conn.scalar(
                insert(TerminationNoticeRow).values(**_values(draft, now)).returning(_N.id)
            )
            assert notice_id is not None
            if draft.states:
                await conn.execute(
                    insert(NoticeStateRow),
                    [{"notice_id": notice_id, "jurisdiction": code} for code in draft.states],
                )
            await conn.execute(insert(NoticeOutboxRow).values(notice_id=notice_id, created_at=now))
            row = (await conn.execute(select(TerminationNoticeRow).where(_N.id == notice_id))).one()
            notice = _notice(row, draft.states)
            await stage(conn, AUDIT_OUTBOX, [event(notice)])
        return notice

    async def _with_states(
        self, conn: AsyncConnection, rows: Sequence[Row[Any]]
    ) -> list[TerminationNoticeRecord]:
        ids = [row.id for row in rows]
        pairs = (await conn.execute(_STATES_BY_NOTICE, {BATCH_KEYS: ids})).all()
        states = align_many(ids, pairs, lambda pair: pair[0])
        return [
            _notice(row, [code for _, code in group])
            for row, group in zip(rows, states, strict=True)
        ]

    async def get_many(self, ids: Sequence[int]) -> Sequence[TerminationNoticeRecord | None]:
        if len(ids) == 1:
            return [await self._get_one(ids[0])]
        return await self._read(ids)

    async def _read(self, ids: Sequence[int]) -> list[TerminationNoticeRecord | None]:
        keys = {BATCH_KEYS: list(ids)}
        notices = await read(
            self._engine, lambda conn: self._select_with_states(conn, _NOTICES_BY_ID, keys)
        )
        return align_one(ids, notices, lambda n: n.id)

    async def _select_with_states(
        self, conn: AsyncConnection, stmt: Select[Any], params: dict[str, Any] | None = None
    ) -> list[TerminationNoticeRecord]:
        return await self._with_states(conn, (await conn.execute(stmt, params)).all())

    async def _get_one(self, notice_id: int) -> TerminationNoticeRecord | None:
        if notice_id in self._recent:
            return self._recent[notice_id]
        pending = self._pending.get(notice_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future = self._pending[notice_id] = asyncio.get_running_loop().create_future()
        try:
            found = (await self._read([notice_id]))[0]
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it
            raise
        finally:
            self._pending.pop(notice_id, None)
        future.set_result(found)
        if found is not None:
            self._recent[notice_id] = found
            if len(self._recent) > self._remember:
                self._recent.popitem(last=False)
        return found

    async def list_notices(
        self, where: NoticeFilter, page: PageRequest
    ) -> Page[TerminationNoticeRecord]:
        stmt = select(TerminationNoticeRow)
        if where.since is not None:
            stmt = stmt.where(_N.reported_at >= where.since)
        scopes = []
        if where.employer_fein is not None:
            scopes.append(_N.employer_fein == where.employer_fein)
        if where.jurisdiction is not None:
            notified = exists().where(_S.notice_id == _N.id, _S.jurisdiction == where.jurisdiction)
            scopes.append(notified)
        if scopes:
            stmt = stmt.where(or_(*scopes))

        async def page_with_states(conn: AsyncConnection) -> Page[TerminationNoticeRecord]:
            found = await fetch_page(conn, stmt, _N.id, page, lambda row: row)
            notices = await self._with_states(conn, list(found.items))
            return Page(items=notices, keys=found.keys, has_next=found.has_next, total=found.total)

        return await read(self._engine, page_with_states)

    async def newest_id(self) -> int | None:
        newest = (await read_rows(self._engine, _NEWEST_ID))[0][0]
        return int(newest) if newest is not None else None

    async def list_after(
        self, notice_id: int | None, *, since: datetime | None = None, limit: int = 500
    ) -> list[TerminationNoticeRecord]:
        stmt = select(TerminationNoticeRow).order_by(_N.id).limit(limit)
        if notice_id is not None:
            stmt = stmt.where(_N.id > notice_id)
        if since is not None:
            stmt = stmt.where(_N.reported_at >= since)
        return await read(self._engine, lambda conn: self._select_with_states(conn, stmt))

    async def drain_outbox(
        self, publish: Callable[[list[int]], Awaitable[None]], *, limit: int = 100
    ) -> int:
        claim = (
            select(_O.id, _O.notice_id)
            .where(_O.published_at.is_(None))
            .order_by(_O.id)
            .limit(limit)
        )
        async with write_transaction(self._engine) as conn:
            if conn.dialect.name != "sqlite":
                claim = claim.with_for_update(skip_locked=True)
            entries = (await conn.execute(claim)).all()
            if not entries:
                return 0
            await publish([entry.notice_id for entry in entries])
            await conn.execute(
                update(NoticeOutboxRow)
                .where(_O.id.in_([entry.id for entry in entries]))
                .values(published_at=datetime.now(UTC))
            )
        return len(entries)
