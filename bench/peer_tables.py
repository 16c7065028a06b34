"""The peers' copy of the hub's tables: one database, schema `peer`, filled with COPY.

Both peers (bench/baseline_peer.py, bench/apollo/) read this copy, not the hub's own
databases: a team that picked another server would keep the three systems' tables in one
database of its own, and the hub's databases stay the hub's alone while it is measured.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import asyncpg  # type: ignore[import-untyped]

SCHEMA = "peer"

# source database -> table -> the columns the two operations need
TABLES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "fcr": {
        "cases": ("id", "jurisdiction", "state_case_id", "case_type", "status", "opened_on"),
        "participants": (
            "id",
            "ssn",
            "first_name",
            "last_name",
            "date_of_birth",
            "family_violence",
        ),
        "case_participants": ("case_id", "participant_id", "role"),
    },
    "ndnh": {
        "employers": ("id", "fein", "name"),
        "new_hires": ("id", "employee_ssn", "employer_id", "hire_date"),
    },
    "offsets": {
        "offset_certifications": (
            "id",
            "ssn",
            "submitting_state",
            "case_type",
            "arrears_amount",
            "certified_on",
            "passport_status",
        ),
    },
}

DDL = f"""
CREATE SCHEMA {SCHEMA};
CREATE TABLE {SCHEMA}.cases (
  id integer PRIMARY KEY, jurisdiction varchar(8) NOT NULL, state_case_id varchar(15) NOT NULL,
  case_type varchar(8) NOT NULL, status varchar(8) NOT NULL, opened_on date NOT NULL);
CREATE TABLE {SCHEMA}.participants (
  id integer PRIMARY KEY, ssn varchar(11) NOT NULL, first_name varchar(40) NOT NULL,
  last_name varchar(40) NOT NULL, date_of_birth date NOT NULL, family_violence boolean NOT NULL);
CREATE TABLE {SCHEMA}.case_participants (
  case_id integer NOT NULL, participant_id integer NOT NULL, role varchar(24) NOT NULL,
  PRIMARY KEY (case_id, participant_id));
CREATE TABLE {SCHEMA}.employers (
  id integer PRIMARY KEY, fein varchar(10) NOT NULL, name varchar(80) NOT NULL);
CREATE TABLE {SCHEMA}.new_hires (
  id integer PRIMARY KEY, employee_ssn varchar(11) NOT NULL, employer_id integer NOT NULL,
  hire_date date NOT NULL);
CREATE TABLE {SCHEMA}.offset_certifications (
  id integer PRIMARY KEY, ssn varchar(11) NOT NULL, submitting_state varchar(8) NOT NULL,
  case_type varchar(10) NOT NULL, arrears_amount numeric(12, 2) NOT NULL,
  certified_on date NOT NULL, passport_status varchar(20) NOT NULL);
"""

INDEXES = f"""
CREATE INDEX ON {SCHEMA}.cases (jurisdiction);
CREATE INDEX ON {SCHEMA}.case_participants (participant_id);
CREATE INDEX ON {SCHEMA}.new_hires (employee_ssn);
CREATE INDEX ON {SCHEMA}.offset_certifications (ssn);
ANALYZE;
"""


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy `postgresql+asyncpg://` URL as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def copy_hub_tables(hub_urls: Mapping[str, str], peer_url: str) -> int:
    """Copy the operations' tables from the hub's databases into `peer_url`; rows copied."""
    peer = await asyncpg.connect(asyncpg_dsn(peer_url))
    copied = 0
    try:
        await peer.execute(DDL)
        for source, tables in TABLES.items():
            hub = await asyncpg.connect(asyncpg_dsn(hub_urls[source]))
            try:
                for table, columns in tables.items():
                    buffer = io.BytesIO()
                    query = f"SELECT {', '.join(columns)} FROM {table}"
                    await hub.copy_from_query(query, output=buffer, format="binary")
                    buffer.seek(0)
                    status = await peer.copy_to_table(
                        table, source=buffer, columns=columns, schema_name=SCHEMA, format="binary"
                    )
                    copied += int(status.split()[-1])
            finally:
                await hub.close()
        await peer.execute(INDEXES)
    finally:
        await peer.close()
    return copied
