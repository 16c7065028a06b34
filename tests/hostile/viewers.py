"""Who the harness sends requests as, and which full SSNs each of them may see.

The seed is deterministic (demo_data/), so the SSNs a state or tribal worker
may see in full (its own participants', access.md) are read from the seeded data;
ocss_staff may see every one, and every other role none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from datasources.engines import build_engines, dispose_engines
from datasources.models.fcr import CaseParticipantRow, CaseRow, MisidentifiedSsnRow, ParticipantRow
from tests.conftest import Hub


@dataclass(frozen=True)
class ViewerSpec:
    """A role and its token's claims; `token` False sends none, None a forged one."""

    name: str
    role: str
    claims: dict[str, object] = field(default_factory=dict)
    token: bool | None = True
    sees_all_ssns: bool = False

    @property
    def jurisdiction(self) -> str | None:
        value = self.claims.get("jurisdiction")
        return value if isinstance(value, str) else None


VIEWERS = (
    ViewerSpec("state_worker 06 fti", "state_worker", {"jurisdiction": "06", "fti": True}),
    ViewerSpec("state_worker 36", "state_worker", {"jurisdiction": "36"}),
    ViewerSpec("tribal_worker T0001", "tribal_worker", {"jurisdiction": "T0001"}),
    ViewerSpec("employer", "employer", {"fein": "90-0000001"}),
    ViewerSpec("insurer", "insurer", {"fein": "90-0000002"}),
    ViewerSpec("financial_institution", "financial_institution", {"fein": "90-0000003"}),
    ViewerSpec(
        "ocss_staff fti", "ocss_staff", {"jurisdiction": "FED", "fti": True}, sees_all_ssns=True
    ),
    ViewerSpec("analyst", "analyst"),
    ViewerSpec("international", "international", {"jurisdiction": "CA"}),
    ViewerSpec("auditor", "auditor", {"jurisdiction": "FED"}),
    ViewerSpec("no token", "", token=False),
    ViewerSpec("forged token", "", token=None),
)
SUBSCRIBERS = tuple(v for v in VIEWERS if v.role in ("state_worker", "tribal_worker", "ocss_staff"))
"""The viewers the contract lets subscribe (the others are closed with 4403)."""
FORGED_TOKEN = (
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
    "eyJzdWIiOiJ4Iiwicm9sZSI6Im9jc3Nfc3RhZmYiLCJleHAiOjQxMDI0NDQ4MDB9."
)
"""An unsigned (`alg: none`) token claiming ocss_staff."""


def authorization(hub: Hub, viewer: ViewerSpec) -> str | None:
    """The Authorization header value of `viewer`, or None for no header."""
    if viewer.token is False:
        return None
    if viewer.token is None:
        return f"Bearer {FORGED_TOKEN}"
    return f"Bearer {hub.token(viewer.role, **viewer.claims)}"


async def full_ssns_by_viewer(hub: Hub) -> dict[str, frozenset[str] | None]:
    """For each viewer's name, the full SSNs it may see (None: every one)."""
    engines = build_engines(dict(hub.settings.database_urls))
    try:
        async with engines["fcr"].connect() as connection:
            own = await connection.execute(
                select(CaseRow.jurisdiction, ParticipantRow.id, ParticipantRow.ssn)
                .join(CaseParticipantRow, CaseParticipantRow.case_id == CaseRow.id)
                .join(ParticipantRow, ParticipantRow.id == CaseParticipantRow.participant_id)
            )
            rows = list(own)
            misidentified = list(
                await connection.execute(
                    select(MisidentifiedSsnRow.participant_id, MisidentifiedSsnRow.ssn)
                )
            )
    finally:
        await dispose_engines(engines)
    allowed: dict[str, frozenset[str] | None] = {}
    for viewer in VIEWERS:
        if viewer.sees_all_ssns:
            allowed[viewer.name] = None
            continue
        people = {(pid, ssn) for place, pid, ssn in rows if place == viewer.jurisdiction}
        if viewer.role not in ("state_worker", "tribal_worker"):
            people = set()
        ids = {pid for pid, _ in people}
        extra = {ssn for pid, ssn in misidentified if pid in ids}
        allowed[viewer.name] = frozenset({ssn for _, ssn in people} | extra)
    return allowed


async def is_seeded_ssn(hub: Hub, ssn: str) -> bool:
    """Whether some seeded participant has `ssn`."""
    engines = build_engines(dict(hub.settings.database_urls))
    try:
        async with engines["fcr"].connect() as connection:
            found = await connection.execute(
                select(ParticipantRow.id).where(ParticipantRow.ssn == ssn).limit(1)
            )
            return found.first() is not None
    finally:
        await dispose_engines(engines)
