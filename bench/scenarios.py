"""What the servers are compared on: the two operations, as the two roles."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import orjson

from bench.operations import CASE_LIST, CASE_LIST_FIRST, ONE_CASE
from bench.peer_tables import asyncpg_dsn
from policy.tokens import issue_token
from settings import TokenSettings

RUN_TOKEN_SECONDS = 4 * 3600


@dataclass(frozen=True)
class Persona:
    """Who a request is sent as."""

    name: str
    role: str
    jurisdiction: str
    fti: bool

    def token(self, settings: TokenSettings) -> str:
        return issue_token(
            settings,
            role=self.role,
            jurisdiction=self.jurisdiction,
            fti=self.fti,
            ttl_seconds=RUN_TOKEN_SECONDS,
        )


OCSS_STAFF = Persona("ocss_staff", "ocss_staff", "FED", True)
# a caseworker of California reading cases other states hold: masked SSNs, denied fields
STATE_WORKER = Persona("state_worker 06", "state_worker", "06", False)
PERSONAS = (OCSS_STAFF, STATE_WORKER)

CASE_LIST_NAME = "50-case view"
ONE_CASE_NAME = "one case"


@dataclass(frozen=True)
class Scenario:
    """One operation as one persona: the body every server gets, byte for byte."""

    operation: str
    persona: Persona
    body: bytes
    token: str

    @property
    def label(self) -> str:
        return f"{self.operation}, {self.persona.name}"


def body(document: str, variables: dict[str, Any]) -> bytes:
    return orjson.dumps({"query": document, "variables": variables})


# a case another state than the worker's holds, with 2+ people none of whom is on a case
# of the worker's state: every SSN masked, every date of birth refused
OTHER_STATES_CASE = """
SELECT c.id FROM cases c
WHERE c.jurisdiction <> $1
  AND (SELECT count(*) FROM case_participants cp WHERE cp.case_id = c.id) >= 2
  AND NOT EXISTS (
    SELECT 1 FROM case_participants cp
    JOIN case_participants other ON other.participant_id = cp.participant_id
    JOIN cases oc ON oc.id = other.case_id
    WHERE cp.case_id = c.id AND oc.jurisdiction = $1)
ORDER BY c.id LIMIT 1
"""


async def other_states_case(fcr_url: str, jurisdiction: str) -> int:
    """The id of ONE_CASE's case: held by another state than `jurisdiction`, 2+ people."""
    connection = await asyncpg.connect(asyncpg_dsn(fcr_url))
    try:
        case_id = await connection.fetchval(OTHER_STATES_CASE, jurisdiction)
    finally:
        await connection.close()
    if case_id is None:
        raise RuntimeError(f"no seeded case fits: held by another state than {jurisdiction}")
    return int(case_id)


def case_global_id(case_id: int) -> str:
    return base64.urlsafe_b64encode(f"Case:{case_id}".encode()).decode().rstrip("=")


def scenarios(settings: TokenSettings, case_id: int) -> list[Scenario]:
    """The four rows: both operations, both personas."""
    operations = (
        (CASE_LIST_NAME, body(CASE_LIST, {"first": CASE_LIST_FIRST})),
        (ONE_CASE_NAME, body(ONE_CASE, {"id": case_global_id(case_id)})),
    )
    return [
        Scenario(name, persona, request, persona.token(settings))
        for name, request in operations
        for persona in PERSONAS
    ]
