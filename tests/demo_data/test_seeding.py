"""The demo-data seeder: every scripted scenario exists, and seeding is deterministic."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from datasources.models.fcr import FcrBase
from datasources.models.ndnh import NdnhBase
from datasources.models.offsets import OffsetCertificationRow, OffsetsBase
from demo_data import SeedSummary, seed_all
from demo_data.employers import EmployerDirectory
from demo_data.families import participant_batches
from demo_data.places import STATE_FIPS, TRIBAL_CODES
from tests.assertions import nonempty

PARTICIPANTS = 300
SSN = re.compile(r"^9\d\d-(?!00)\d\d-(?!0000)\d{4}$")
BASES: dict[str, type[DeclarativeBase]] = {"fcr": FcrBase, "ndnh": NdnhBase, "offsets": OffsetsBase}
THRESHOLDS = [
    Decimal(v)
    for v in (
        "149.99",
        "150.00",
        "150.01",
        "499.99",
        "500.00",
        "500.01",
        "2499.99",
        "2500.00",
        "2500.01",
    )
]

Engines = Mapping[str, AsyncEngine]


async def make_engines(directory: Path, prefix: str = "") -> dict[str, AsyncEngine]:
    engines = {
        key: create_async_engine(f"sqlite+aiosqlite:///{directory}/{prefix}{key}.db")
        for key in BASES
    }
    for key, base in BASES.items():
        async with engines[key].begin() as conn:
            await conn.run_sync(base.metadata.create_all)
    return engines


async def dispose(engines: Engines) -> None:
    for engine in engines.values():
        await engine.dispose()


async def fetch(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql))).all())


async def column(engine: AsyncEngine, sql: str) -> list[Any]:
    return [row[0] for row in await fetch(engine, sql)]


@pytest.fixture(scope="module")
async def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Engines, SeedSummary]]:
    engines = await make_engines(tmp_path_factory.mktemp("seed"))
    summary = await seed_all(engines, participants=PARTICIPANTS, progress=False)
    yield engines, summary
    await dispose(engines)


@pytest.fixture
def db(seeded: tuple[Engines, SeedSummary]) -> Engines:
    return seeded[0]


async def ncp_jurisdictions(db: Engines) -> dict[int, set[str]]:
    """Participant id -> jurisdictions of the cases where they are noncustodial parent."""
    rows = await fetch(
        db["fcr"],
        "SELECT cp.participant_id, c.jurisdiction FROM case_participants cp "
        "JOIN cases c ON c.id = cp.case_id WHERE cp.role = 'NONCUSTODIAL_PARENT'",
    )
    found: dict[int, set[str]] = defaultdict(set)
    for participant_id, jurisdiction in rows:
        found[participant_id].add(jurisdiction)
    return found


async def ssn_of(db: Engines) -> dict[int, str]:
    return dict(await fetch(db["fcr"], "SELECT id, ssn FROM participants"))


async def test_summary_counts_match_the_databases(seeded: tuple[Engines, SeedSummary]) -> None:
    engines, summary = seeded
    assert summary.participants == PARTICIPANTS
    for key, base in BASES.items():
        for table in base.metadata.tables:
            (count,) = await column(engines[key], f"SELECT COUNT(*) FROM {table}")
            if table.endswith("_audit_outbox"):  # seeding changes nothing a person did
                assert count == 0, table
                continue
            assert count == summary.as_dict()[table] > 0, table


async def test_every_ssn_is_synthetic_and_participant_ssns_are_unique(db: Engines) -> None:
    participant_ssns = await column(db["fcr"], "SELECT ssn FROM participants")
    assert len(set(participant_ssns)) == PARTICIPANTS
    others = [
        *await column(db["fcr"], "SELECT ssn FROM misidentified_ssns"),
        *await column(db["ndnh"], "SELECT employee_ssn FROM new_hires"),
        *await column(db["ndnh"], "SELECT employee_ssn FROM quarterly_wages"),
        *await column(db["offsets"], "SELECT ssn FROM offset_certifications"),
    ]
    assert all(SSN.match(ssn) for ssn in participant_ssns + others)
    assert {int(ssn[:3]) for ssn in participant_ssns} <= set(range(900, 1000))


async def test_participants_look_real(db: Engines) -> None:
    rows = await fetch(db["fcr"], "SELECT ssn_verification, sex, family_violence FROM participants")
    assert {r[0] for r in rows} == {"VERIFIED", "CORRECTED", "UNVERIFIED", "MISIDENTIFIED"}
    assert [r[0] for r in rows].count("VERIFIED") > PARTICIPANTS * 0.7
    assert {r[1] for r in rows} == {"FEMALE", "MALE", "UNKNOWN"}
    assert any(r[2] for r in rows)
    births = await fetch(
        db["fcr"],
        "SELECT cp.role, p.date_of_birth FROM participants p "
        "JOIN case_participants cp ON cp.participant_id = p.id",
    )
    for role, born in births:
        years = (2008, 2025) if role == "CHILD" else (1955, 2004)
        assert years[0] <= date.fromisoformat(born).year <= years[1], (role, born)


async def test_some_participants_are_deceased_after_birth(db: Engines) -> None:
    rows = await fetch(
        db["fcr"],
        "SELECT date_of_birth, date_of_death FROM participants WHERE date_of_death IS NOT NULL",
    )
    assert rows
    assert all(born < died <= "2026-11-23" for born, died in rows)


async def test_cases_are_held_by_states_and_tribes(db: Engines) -> None:
    rows = await fetch(
        db["fcr"],
        "SELECT jurisdiction, state_case_id, case_type, status, has_order, opened_on FROM cases",
    )
    jurisdictions = {r[0] for r in rows}
    assert jurisdictions <= set(STATE_FIPS) | set(TRIBAL_CODES)
    assert jurisdictions & set(TRIBAL_CODES)
    assert len(STATE_FIPS) == 54
    assert all(re.fullmatch(r"[A-Z0-9]{15}", r[1]) for r in rows)
    assert len({r[1] for r in rows}) == len(rows)
    assert {r[2] for r in rows} == {"IV_D", "NON_IV_D"}
    assert {r[3] for r in rows} == {"OPEN", "CLOSED"}
    assert {bool(r[4]) for r in rows} == {True, False}
    assert all("1999-01-01" <= r[5] <= "2026-11-23" for r in rows)
    assert PARTICIPANTS / 5 < len(rows) < PARTICIPANTS / 3


async def test_each_case_has_its_parties(db: Engines) -> None:
    rows = await fetch(db["fcr"], "SELECT case_id, role FROM case_participants")
    roles: dict[int, list[str]] = defaultdict(list)
    for case_id, role in rows:
        roles[case_id].append(role)
    for found in roles.values():
        assert found.count("CUSTODIAL_PARTY") == 1
        assert found.count("NONCUSTODIAL_PARENT") + found.count("PUTATIVE_FATHER") == 1
        assert 1 <= found.count("CHILD") <= 5
    assert {role for _, role in rows} == {
        "CUSTODIAL_PARTY",
        "NONCUSTODIAL_PARENT",
        "PUTATIVE_FATHER",
        "CHILD",
    }


async def test_several_noncustodial_parents_have_cases_in_two_or_more_jurisdictions(
    db: Engines,
) -> None:
    multi = [pid for pid, codes in (await ncp_jurisdictions(db)).items() if len(codes) >= 2]
    assert len(multi) >= 6


async def test_an_fvi_parent_has_cases_in_two_jurisdictions_and_locate_data(db: Engines) -> None:
    fvi = set(await column(db["fcr"], "SELECT id FROM participants WHERE family_violence"))
    with_addresses = set(
        await column(db["fcr"], "SELECT participant_id FROM participant_addresses")
    )
    hired = set(await column(db["ndnh"], "SELECT employee_ssn FROM new_hires"))
    paid = set(await column(db["ndnh"], "SELECT employee_ssn FROM quarterly_wages"))
    ssns = await ssn_of(db)
    candidates = [
        pid
        for pid, codes in (await ncp_jurisdictions(db)).items()
        if pid in fvi and len(codes) >= 2 and pid in with_addresses and ssns[pid] in hired & paid
    ]
    assert candidates


async def test_addresses_come_from_every_source(db: Engines) -> None:
    rows = await fetch(
        db["fcr"], "SELECT participant_id, source, state, zip, line1 FROM participant_addresses"
    )
    assert {r[1] for r in rows} == {"STATE", "NDNH", "IRS", "DOD", "SSA", "EMPLOYER", "INSURER"}
    assert all(re.fullmatch(r"[A-Z]{2}", r[2]) and re.fullmatch(r"\d{5}", r[3]) for r in rows)
    assert all(re.match(r"\d+ \w", r[4]) for r in rows)
    ncps = set(await ncp_jurisdictions(db))
    irs_ncps = {r[0] for r in rows if r[1] == "IRS"} & ncps
    assert len(irs_ncps) > len(ncps) * 0.3
    adults = set(
        await column(
            db["fcr"], "SELECT participant_id FROM case_participants WHERE role != 'CHILD'"
        )
    )
    assert adults == {r[0] for r in rows}


async def test_misidentified_ssns_are_reported_by_a_state_holding_a_case(db: Engines) -> None:
    rows = await fetch(db["fcr"], "SELECT participant_id, ssn, reported_by FROM misidentified_ssns")
    assert rows
    holding = await fetch(
        db["fcr"],
        "SELECT cp.participant_id, c.jurisdiction FROM case_participants cp "
        "JOIN cases c ON c.id = cp.case_id",
    )
    ssns = await ssn_of(db)
    for participant_id, ssn, state in rows:
        assert state in STATE_FIPS
        assert (participant_id, state) in holding
        assert ssn != ssns[participant_id]


async def test_employers(db: Engines) -> None:
    employers = await fetch(
        db["ndnh"],
        "SELECT id, fein, name, provides_medical_insurance, e_iwo_participant, "
        "debt_inquiry_participant FROM employers ORDER BY id",
    )
    assert len(employers) >= 30
    assert employers[0][1] == "90-0000001"
    assert len({e[1] for e in employers}) == len(employers)
    assert all(re.fullmatch(r"\d\d-\d{7}", e[1]) and " " in e[2] for e in employers)
    assert {e[3] for e in employers} == {None, 0, 1}
    assert {e[4] for e in employers} == {0, 1}
    assert {e[5] for e in employers} == {0, 1}
    kinds = set(await column(db["ndnh"], "SELECT kind FROM employer_addresses"))
    assert kinds == {
        "PAYROLL",
        "IWO",
        "SERVICE_OF_PROCESS",
        "VERIFICATION_OF_EMPLOYMENT",
        "MEDICAL_SUPPORT",
    }
    contacts = await column(
        db["ndnh"], "SELECT COUNT(*) FROM employer_contacts GROUP BY employer_id"
    )
    assert len(contacts) == len(employers)
    assert set(contacts) <= {1, 2, 3}


async def test_the_first_employer_has_several_new_hires(db: Engines) -> None:
    (count,) = await column(db["ndnh"], "SELECT COUNT(*) FROM new_hires WHERE employer_id = 1")
    assert count >= 3


async def test_some_noncustodial_parents_have_new_hires_and_some_do_not(db: Engines) -> None:
    ssns = await ssn_of(db)
    ncp_ssns = {ssns[pid] for pid in await ncp_jurisdictions(db)}
    hired = set(await column(db["ndnh"], "SELECT employee_ssn FROM new_hires"))
    assert ncp_ssns & hired
    assert ncp_ssns - hired


async def test_new_hires_and_wages_are_recent(db: Engines) -> None:
    hires = await fetch(db["ndnh"], "SELECT hire_date, reported_on, state FROM new_hires")
    assert all(
        "2024-11-23" <= hired <= reported <= "2026-11-23"
        for hired, reported, _ in nonempty(hires, "new_hires")
    )
    quarters = await fetch(db["ndnh"], "SELECT DISTINCT year, quarter FROM quarterly_wages")
    assert set(quarters) <= {(2024, 4), *((y, q) for y in (2025, 2026) for q in (1, 2, 3, 4))}
    assert (2026, 4) not in quarters


async def test_certifications_come_from_a_state_where_the_obligor_is_ncp(db: Engines) -> None:
    ssns = await ssn_of(db)
    by_ssn = {ssns[pid]: codes for pid, codes in (await ncp_jurisdictions(db)).items()}
    rows = await fetch(db["offsets"], "SELECT ssn, submitting_state FROM offset_certifications")
    for ssn, state in rows:
        assert state in STATE_FIPS
        assert state in by_ssn[ssn]


async def test_threshold_arrears_exist_for_both_case_types(db: Engines) -> None:
    async with db["offsets"].connect() as conn:
        statement = select(OffsetCertificationRow.case_type, OffsetCertificationRow.arrears_amount)
        rows = {(kind, amount) for kind, amount in (await conn.execute(statement)).all()}
    for case_type in ("TANF", "NON_TANF"):
        for amount in THRESHOLDS:
            assert (case_type, amount) in rows
    assert max(amount for _, amount in rows) > Decimal("20000")


async def test_every_passport_status_and_denial_only_above_2500(db: Engines) -> None:
    rows = await fetch(
        db["offsets"], "SELECT passport_status, arrears_amount FROM offset_certifications"
    )
    assert {r[0] for r in rows} == {"NOT_CERTIFIED", "DENIED", "RELEASED", "EMERGENCY_RELEASED"}
    assert all(amount > 2500 for status, amount in rows if status == "DENIED")


async def test_tax_refund_offsets(db: Engines) -> None:
    rows = await fetch(
        db["offsets"], "SELECT certification_id, tax_year, joint_return FROM tax_refund_offsets"
    )
    certifications = set(await column(db["offsets"], "SELECT id FROM offset_certifications"))
    assert len({r[0] for r in rows}) >= 5
    assert {r[0] for r in rows} <= certifications
    assert all(2019 <= r[1] <= 2025 for r in rows)
    assert {r[2] for r in rows} == {0, 1}


SNAPSHOT = {
    "fcr": ("participants", "cases", "case_participants", "participant_addresses"),
    "ndnh": ("employers", "new_hires", "quarterly_wages"),
    "offsets": ("offset_certifications", "tax_refund_offsets"),
}


async def snapshot(engines: Engines) -> dict[str, list[Any]]:
    return {
        table: await fetch(engines[key], f"SELECT * FROM {table} ORDER BY 1, 2")
        for key, tables in SNAPSHOT.items()
        for table in tables
    }


async def test_reseeding_is_idempotent_and_deterministic(tmp_path: Path) -> None:
    first, second = await make_engines(tmp_path, "a-"), await make_engines(tmp_path, "b-")
    try:
        summary = await seed_all(first, participants=150, seed=7, progress=False)
        before = await snapshot(first)
        assert await seed_all(first, participants=150, seed=7, progress=False) == summary
        assert await snapshot(first) == before
        assert await seed_all(second, participants=150, seed=7, progress=False) == summary
        assert await snapshot(second) == before
        await seed_all(second, participants=150, seed=8, progress=False)
        assert (await snapshot(second))["participants"] != before["participants"]
    finally:
        await dispose(first)
        await dispose(second)


def test_batch_size_does_not_change_the_rows() -> None:
    def rows(batch_size: int) -> dict[str, list[Any]]:
        directory = EmployerDirectory.generate(random.Random(1), 30)
        merged: dict[str, list[Any]] = defaultdict(list)
        for batch in participant_batches(random.Random(2), 400, directory, batch_size):
            for table, found in batch.rows.items():
                merged[table] += found
        return merged

    assert rows(20) == rows(10_000)


async def test_too_few_participants_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        await seed_all({}, participants=10, progress=False)
