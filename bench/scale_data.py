"""Many participants, fast: the bench's own seeding, INSERT ... SELECT generate_series.

Four people a case (custodial party, noncustodial parent, two children), every second
person with a new hire, every fifth with an offset certification, one in fifty with the
family violence indicator. Every SSN is synthetic, area 900-999, unique below 10^8 people.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import asyncpg  # type: ignore[import-untyped]

from bench.peer_tables import asyncpg_dsn

PEOPLE_PER_CASE = 4
EMPLOYERS = 1000
MAX_PARTICIPANTS = 10**8

# the SSN of person number i: 9AA-GG-SSSS with AA = i mod 100, GG = i / 100 mod 100, ...
SSN = (
    "'9' || lpad((i % 100)::text, 2, '0') || '-' || lpad((i / 100 % 100)::text, 2, '0')"
    " || '-' || lpad((i / 10000 % 10000)::text, 4, '0')"
)

FCR = [
    f"""INSERT INTO participants (id, ssn, ssn_verification, first_name, last_name,
        date_of_birth, date_of_death, sex, family_violence)
      SELECT i, {SSN}, 'VERIFIED', 'Scale', 'Person' || i,
        DATE '1960-01-01' + (i % 15000), NULL,
        CASE WHEN i % 2 = 0 THEN 'FEMALE' ELSE 'MALE' END, i % 50 = 0
      FROM generate_series(1, $1::int) AS i""",
    """INSERT INTO cases (id, jurisdiction, state_case_id, case_type, status, has_order,
        opened_on)
      SELECT k, (ARRAY['06', '48', '36', '12', '17'])[k % 5 + 1], 'CS' || lpad(k::text, 13, '0'),
        CASE WHEN k % 7 = 0 THEN 'NON_IV_D' ELSE 'IV_D' END,
        CASE WHEN k % 9 = 0 THEN 'CLOSED' ELSE 'OPEN' END, k % 3 <> 0,
        DATE '2005-01-01' + (k % 7000)
      FROM generate_series(1, $1::int / 4) AS k""",
    """INSERT INTO case_participants (case_id, participant_id, role)
      SELECT (i - 1) / 4 + 1, i,
        (ARRAY['CUSTODIAL_PARTY', 'NONCUSTODIAL_PARENT', 'CHILD', 'CHILD'])[(i - 1) % 4 + 1]
      FROM generate_series(1, $1::int / 4 * 4) AS i""",
]
NDNH = [
    f"""INSERT INTO employers (id, fein, name, state, provides_medical_insurance,
        e_iwo_participant, debt_inquiry_participant)
      SELECT e, '90-' || lpad(e::text, 7, '0'), 'Scale Employer ' || e, 'CA', e % 2 = 0,
        e % 3 = 0, e % 5 = 0
      FROM generate_series(1, {EMPLOYERS}) AS e""",
    f"""INSERT INTO new_hires (id, employee_ssn, employer_id, hire_date, reported_on, state)
      SELECT i / 2, {SSN}, i % {EMPLOYERS} + 1, DATE '2020-01-01' + (i % 2000),
        DATE '2020-01-15' + (i % 2000), 'CA'
      FROM generate_series(2, $1::int, 2) AS i""",
]
OFFSETS = [
    f"""INSERT INTO offset_certifications (id, ssn, submitting_state, case_type,
        arrears_amount, certified_on, passport_status)
      SELECT i / 5, {SSN}, (ARRAY['06', '48', '36', '12', '17'])[i % 5 + 1],
        CASE WHEN i % 2 = 0 THEN 'TANF' ELSE 'NON_TANF' END, (i % 40000) + 0.5,
        DATE '2018-01-01' + (i % 2500), 'NOT_CERTIFIED'
      FROM generate_series(5, $1::int, 5) AS i""",
]
STATEMENTS: Mapping[str, list[str]] = {"fcr": FCR, "ndnh": NDNH, "offsets": OFFSETS}


async def seed_scale(urls: Mapping[str, str], participants: int) -> float:
    """Fill migrated, empty fcr, ndnh and offsets databases; the seconds it took."""
    if not 4 <= participants < MAX_PARTICIPANTS:
        raise ValueError(f"participants must be 4 to {MAX_PARTICIPANTS - 1}")
    start = time.perf_counter()
    for source, statements in STATEMENTS.items():
        connection = await asyncpg.connect(asyncpg_dsn(urls[source]))
        try:
            for statement in statements:
                if "$1" in statement:
                    await connection.execute(statement, participants)
                else:
                    await connection.execute(statement)
            await connection.execute("ANALYZE")
        finally:
            await connection.close()
    return time.perf_counter() - start
