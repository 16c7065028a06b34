"""The National Directory of New Hires, read from its SQL database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.expression import Executable

from datasources.addresses import AddressRecord, ContactRecord
from datasources.batch_statements import keys_in
from datasources.keyset import align_many, align_one, fetch_page
from datasources.models.ndnh import (
    EmployerAddressRow,
    EmployerContactRow,
    EmployerRow,
    NewHireRow,
    QuarterlyWageRow,
)
from datasources.ndnh import (
    EmployerAddressRecord,
    EmployerFilter,
    EmployerRecord,
    NewHireRecord,
    QuarterlyWageRecord,
)
from datasources.pages import Page, PageRequest
from datasources.read_connections import read, read_batch
from telemetry.sources import instrumented

_E = EmployerRow.__table__.c
_EA = EmployerAddressRow.__table__.c
_EC = EmployerContactRow.__table__.c
_H = NewHireRow.__table__.c
_W = QuarterlyWageRow.__table__.c


_EMPLOYERS_BY_ID = select(EmployerRow.__table__).where(keys_in(_E.id))
_EMPLOYERS_BY_FEIN = select(EmployerRow.__table__).where(keys_in(_E.fein))
_ADDRESSES_BY_EMPLOYER = (
    select(EmployerAddressRow.__table__)
    .where(keys_in(_EA.employer_id))
    .order_by(_EA.employer_id, _EA.id)
)
_CONTACTS_BY_EMPLOYER = (
    select(EmployerContactRow.__table__)
    .where(keys_in(_EC.employer_id))
    .order_by(_EC.employer_id, _EC.id)
)
_NEW_HIRES_BY_SSN = (
    select(NewHireRow.__table__)
    .where(keys_in(_H.employee_ssn))
    .order_by(_H.hire_date.desc(), _H.id)
)
_WAGES_BY_SSN = (
    select(QuarterlyWageRow.__table__)
    .where(keys_in(_W.employee_ssn))
    .order_by(_W.year.desc(), _W.quarter.desc(), _W.id)
)


def _employer(row: Row[Any]) -> EmployerRecord:
    return EmployerRecord(**row._mapping)


@instrumented("ndnh")
class SqlNdnhSource:
    """`NdnhSource` over the NDNH's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _rows(self, stmt: Executable, keys: Sequence[Any]) -> Sequence[Row[Any]]:
        return await read_batch(self._engine, stmt, keys)

    async def get_employers(self, ids: Sequence[int]) -> Sequence[EmployerRecord | None]:
        rows = await self._rows(_EMPLOYERS_BY_ID, ids)
        return align_one(ids, map(_employer, rows), lambda e: e.id)

    async def get_employers_by_fein(self, feins: Sequence[str]) -> Sequence[EmployerRecord | None]:
        rows = await self._rows(_EMPLOYERS_BY_FEIN, feins)
        return align_one(feins, map(_employer, rows), lambda e: e.fein)

    async def list_employer_addresses(
        self, employer_ids: Sequence[int]
    ) -> Sequence[list[EmployerAddressRecord]]:
        pairs = [
            (
                row.employer_id,
                EmployerAddressRecord(
                    kind=row.kind,
                    address=AddressRecord(
                        line1=row.line1,
                        line2=row.line2,
                        city=row.city,
                        state=row.state,
                        zip=row.zip,
                        source="EMPLOYER",
                    ),
                ),
            )
            for row in await self._rows(_ADDRESSES_BY_EMPLOYER, employer_ids)
        ]
        grouped = align_many(employer_ids, pairs, lambda pair: pair[0])
        return [[address for _, address in group] for group in grouped]

    async def list_employer_contacts(
        self, employer_ids: Sequence[int]
    ) -> Sequence[list[ContactRecord]]:
        pairs = [
            (row.employer_id, ContactRecord(row.name, row.title, row.phone, row.email))
            for row in await self._rows(_CONTACTS_BY_EMPLOYER, employer_ids)
        ]
        grouped = align_many(employer_ids, pairs, lambda pair: pair[0])
        return [[contact for _, contact in group] for group in grouped]

    async def list_new_hires(self, ssns: Sequence[str]) -> Sequence[list[NewHireRecord]]:
        rows = await self._rows(_NEW_HIRES_BY_SSN, ssns)
        hires = [NewHireRecord(**row._mapping) for row in rows]
        return align_many(ssns, hires, lambda h: h.employee_ssn)

    async def list_wages(self, ssns: Sequence[str]) -> Sequence[list[QuarterlyWageRecord]]:
        rows = await self._rows(_WAGES_BY_SSN, ssns)
        wages = [QuarterlyWageRecord(**row._mapping) for row in rows]
        return align_many(ssns, wages, lambda w: w.employee_ssn)

    async def list_employers(
        self, where: EmployerFilter, page: PageRequest
    ) -> Page[EmployerRecord]:
        stmt = select(EmployerRow.__table__)
        if where.name is not None:
            pattern = "%" + where.name.lower().replace("%", r"\%").replace("_", r"\_") + "%"
            stmt = stmt.where(func.lower(_E.name).like(pattern, escape="\\"))
        if where.state is not None:
            stmt = stmt.where(_E.state == where.state)
        if where.e_iwo_participant is not None:
            stmt = stmt.where(_E.e_iwo_participant == where.e_iwo_participant)
        if where.fein is not None:
            stmt = stmt.where(_E.fein == where.fein)
        return await read(self._engine, lambda conn: fetch_page(conn, stmt, _E.id, page, _employer))
