"""The hand-written peer: Starlette, asyncpg and orjson, serving exactly the bench's two operations.

What a team would write by hand instead of the hub, from the contract
(../shared/contract/schema.graphql, access.md) and nothing of the hub's code: one SQL
statement per level over the peer's copy of the tables (bench/peer_tables.py), the access
rules of the two roles the bench measures written out as `if`s, the answer built as dicts
and written by orjson. `POST /graphql` with one of bench/operations.py's documents.

Run: `python -m bench.baseline_peer` with PEER_DATABASE_URL, PEER_PORT and the hub's
HUB_TOKEN_SECRET, HUB_TOKEN_ISSUER, HUB_TOKEN_AUDIENCE in the environment.
"""

from __future__ import annotations

import base64
import os
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypedDict, cast

import asyncpg  # type: ignore[import-untyped]
import jwt
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.operations import CASE_LIST, ONE_CASE, field_location

Answer = dict[str, Any]
FORBIDDEN = ("not allowed for this viewer", "FORBIDDEN")
FVI_PROTECTED = ("disclosure prohibited: family violence indicator", "FVI_PROTECTED")
EMPLOYMENT_AT = field_location(CASE_LIST, "employment")
DATE_OF_BIRTH_AT = field_location(ONE_CASE, "dateOfBirth")
POOL_SIZE = 10
WORKER_ROLES = ("state_worker", "tribal_worker")

CASES = (
    "SELECT id, state_case_id, case_type, status, opened_on::text AS opened_on"
    " FROM peer.cases WHERE id = ANY($1::int[]) ORDER BY id"
)
FIRST_CASES = (
    "SELECT id, state_case_id, case_type, status, opened_on::text AS opened_on"
    " FROM peer.cases ORDER BY id LIMIT $1"
)
# a participant is "own" for a worker when on at least one case the worker's jurisdiction holds
PEOPLE = (
    "SELECT cp.case_id, cp.role, p.id, p.first_name, p.last_name, p.ssn,"
    " p.date_of_birth::text AS date_of_birth, p.family_violence,"
    " EXISTS (SELECT 1 FROM peer.case_participants o JOIN peer.cases oc ON oc.id = o.case_id"
    "         WHERE o.participant_id = p.id AND oc.jurisdiction = $2) AS own"
    " FROM peer.case_participants cp JOIN peer.participants p ON p.id = cp.participant_id"
    " WHERE cp.case_id = ANY($1::int[]) ORDER BY cp.case_id, cp.role, cp.participant_id"
)
EMPLOYMENT = (
    "SELECT h.employee_ssn, h.hire_date::text AS hire_date, e.id, e.fein, e.name"
    " FROM peer.new_hires h JOIN peer.employers e ON e.id = h.employer_id"
    " WHERE h.employee_ssn = ANY($1::text[]) ORDER BY h.hire_date DESC, h.id"
)
CERTIFICATIONS = (
    "SELECT ssn, id, case_type, arrears_amount::text AS arrears_amount,"
    " certified_on::text AS certified_on, passport_status"
    " FROM peer.offset_certifications"
    " WHERE ssn = ANY($1::text[]) AND ($2::text IS NULL OR submitting_state = $2)"
    " ORDER BY id"
)


@dataclass(frozen=True)
class Viewer:
    role: str
    jurisdiction: str | None

    @property
    def is_staff(self) -> bool:
        return self.role == "ocss_staff"

    @property
    def is_worker(self) -> bool:
        return self.role in WORKER_ROLES and self.jurisdiction is not None


@dataclass(frozen=True)
class TokenCheck:
    secret: str
    issuer: str
    audience: str

    def viewer(self, authorization: str | None) -> Viewer | None:
        """The verified viewer of `Authorization: Bearer <JWT>`, or None."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        try:
            claims = jwt.decode(
                authorization[7:],
                self.secret,
                algorithms=["HS256"],
                issuer=self.issuer,
                audience=self.audience,
                leeway=30,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError:
            return None
        return Viewer(str(claims.get("role")), claims.get("jurisdiction"))


class State(TypedDict):
    pool: asyncpg.Pool
    tokens: TokenCheck


def global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def case_key(value: object) -> int | None:
    """The database id in a `Case` global id, or None when it names no case."""
    if not isinstance(value, str):
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, key = text.partition(":")
    return int(key) if kind == "Case" and key.isdigit() else None


def error(reason: tuple[str, str], at: tuple[int, int], path: list[str | int]) -> Answer:
    line, column = at
    return {
        "message": reason[0],
        "locations": [{"line": line, "column": column}],
        "path": path,
        "extensions": {"code": reason[1]},
    }


def ssn_for(viewer: Viewer, row: asyncpg.Record) -> str:
    ssn: str = row["ssn"]
    return ssn if viewer.is_staff or row["own"] else f"***-**-{ssn[-4:]}"


def may_read(viewer: Viewer, row: asyncpg.Record) -> bool:
    return viewer.is_staff or bool(row["own"])


def case_node(row: asyncpg.Record) -> Answer:
    return {
        "id": global_id("Case", row["id"]),
        "stateCaseId": row["state_case_id"],
        "caseType": row["case_type"],
        "status": row["status"],
        "openedOn": row["opened_on"],
    }


async def people(
    conn: asyncpg.Connection, viewer: Viewer, case_ids: Sequence[int]
) -> dict[int, list[asyncpg.Record]]:
    jurisdiction = viewer.jurisdiction if viewer.is_worker else None
    by_case: dict[int, list[asyncpg.Record]] = defaultdict(list)
    for row in await conn.fetch(PEOPLE, case_ids, jurisdiction):
        by_case[row["case_id"]].append(row)
    return by_case


async def one_case(
    conn: asyncpg.Connection, viewer: Viewer, variables: Mapping[str, Any]
) -> Answer:
    key = case_key(variables.get("id"))
    rows = await conn.fetch(CASES, [key]) if key is not None else []
    if not rows:
        return {"data": {"case": None}}
    case = case_node(rows[0])
    errors: list[Answer] = []
    participants = []
    for index, row in enumerate((await people(conn, viewer, [rows[0]["id"]]))[rows[0]["id"]]):
        allowed = may_read(viewer, row)
        if not allowed:
            path: list[str | int] = ["case", "participants", index, "participant", "dateOfBirth"]
            errors.append(error(FORBIDDEN, DATE_OF_BIRTH_AT, path))
        person = {
            "id": global_id("Participant", row["id"]),
            "firstName": row["first_name"],
            "lastName": row["last_name"],
            "ssn": ssn_for(viewer, row),
            "dateOfBirth": row["date_of_birth"] if allowed else None,
        }
        participants.append({"role": row["role"], "participant": person})
    case["participants"] = participants
    answer: Answer = {"data": {"case": case}}
    if errors:
        answer["errors"] = errors
    return answer


async def case_list(
    conn: asyncpg.Connection, viewer: Viewer, variables: Mapping[str, Any]
) -> Answer:
    first = variables.get("first")
    if not isinstance(first, int) or isinstance(first, bool) or not 0 <= first <= 100:
        return {
            "errors": [
                {"message": "first must be 0 to 100", "extensions": {"code": "BAD_USER_INPUT"}}
            ],
            "data": None,
        }
    cases = await conn.fetch(FIRST_CASES, first)
    by_case = await people(conn, viewer, [row["id"] for row in cases])
    rows = [row for case in cases for row in by_case[case["id"]]]
    ssns = list({row["ssn"] for row in rows})
    readable = list(
        {row["ssn"] for row in rows if may_read(viewer, row) and not row["family_violence"]}
    )
    employment: dict[str, list[Answer]] = defaultdict(list)
    for hire in await conn.fetch(EMPLOYMENT, readable) if readable else []:
        employer = {
            "id": global_id("Employer", hire["id"]),
            "fein": hire["fein"],
            "name": hire["name"],
        }
        employment[hire["employee_ssn"]].append(
            {"hireDate": hire["hire_date"], "employer": employer}
        )
    submitting = None if viewer.is_staff else viewer.jurisdiction
    certifications: dict[str, list[Answer]] = defaultdict(list)
    for cert in await conn.fetch(CERTIFICATIONS, ssns, submitting):
        certifications[cert["ssn"]].append(
            {
                "id": global_id("OffsetCertification", cert["id"]),
                "caseType": cert["case_type"],
                "arrearsAmount": cert["arrears_amount"],
                "certifiedOn": cert["certified_on"],
                "passportStatus": cert["passport_status"],
            }
        )
    errors: list[Answer] = []
    edges = []
    for edge_index, case_row in enumerate(cases):
        node = case_node(case_row)
        participants = []
        for index, row in enumerate(by_case[case_row["id"]]):
            path: list[str | int] = [
                "cases",
                "edges",
                edge_index,
                "node",
                "participants",
                index,
                "participant",
                "employment",
            ]
            if row["family_violence"]:
                errors.append(error(FVI_PROTECTED, EMPLOYMENT_AT, path))
                hires = None
            elif not may_read(viewer, row):
                errors.append(error(FORBIDDEN, EMPLOYMENT_AT, path))
                hires = None
            else:
                hires = employment.get(row["ssn"], [])
            person = {
                "id": global_id("Participant", row["id"]),
                "firstName": row["first_name"],
                "lastName": row["last_name"],
                "ssn": ssn_for(viewer, row),
                "employment": hires,
                "offsetCertifications": certifications.get(row["ssn"], []),
            }
            participants.append({"role": row["role"], "participant": person})
        node["participants"] = participants
        edges.append({"node": node})
    answer: Answer = {"data": {"cases": {"edges": edges}}}
    if errors:
        answer["errors"] = errors
    return answer


Operation = Callable[[asyncpg.Connection, Viewer, Mapping[str, Any]], Awaitable[Answer]]
OPERATIONS: Mapping[str, Operation] = {CASE_LIST: case_list, ONE_CASE: one_case}


def json_response(answer: Answer, status: int = 200) -> Response:
    return Response(orjson.dumps(answer), status_code=status, media_type="application/json")


def refusal(message: str, code: str) -> Answer:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


async def graphql(request: Request) -> Response:
    state = cast("State", request.scope["state"])
    viewer = state["tokens"].viewer(request.headers.get("authorization"))
    if viewer is None:
        return json_response(refusal("a valid bearer token is required", "UNAUTHENTICATED"), 401)
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return json_response(refusal("the body is not JSON", "BAD_REQUEST"), 400)
    query = body.get("query") if isinstance(body, dict) else None
    operation = OPERATIONS.get(query) if isinstance(query, str) else None
    if operation is None:
        message = "this endpoint serves only the bench's two operations"
        return json_response(refusal(message, "GRAPHQL_VALIDATION_FAILED"), 400)
    if not (viewer.is_staff or viewer.is_worker):
        return json_response({"data": None, **refusal("not allowed for this viewer", "FORBIDDEN")})
    variables = body.get("variables") or {}
    async with state["pool"].acquire() as conn:
        return json_response(await operation(conn, viewer, variables))


def build_app(database_url: str, tokens: TokenCheck) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        pool = await asyncpg.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
        try:
            yield {"pool": pool, "tokens": tokens}
        finally:
            await pool.close()

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def main(environ: Mapping[str, str] = os.environ) -> None:
    tokens = TokenCheck(
        environ["HUB_TOKEN_SECRET"], environ["HUB_TOKEN_ISSUER"], environ["HUB_TOKEN_AUDIENCE"]
    )
    app = build_app(environ["PEER_DATABASE_URL"], tokens)
    port = int(environ["PEER_PORT"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
