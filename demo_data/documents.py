"""Demo documents of the Electronic Document Exchange, with synthetic content for those sent.

A few scripted exchanges come first (California, Texas and New York, a tribe, a
request answered, a request declined, FTI content), then random ones between
states and tribes. Documents on cases name the newest cases of a party, so that
the cases at the front of every list stay without documents. Contents are
synthetic text that names no person; they are written to the blob store only when
one is given (without one, sent documents have no content to download).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.blobs import BlobStore
from datasources.documents import FORM_TYPES, WITH_CONTENT
from datasources.models.documents import DocumentsBase
from datasources.models.fcr import CaseRow
from demo_data.dates import TODAY
from demo_data.places import STATE_FIPS, TRIBAL_CODES
from demo_data.rows import Row

DOCUMENTS: Table = DocumentsBase.metadata.tables["documents"]
RANDOM_DOCUMENTS = 30
FTI_SHARE = 0.2
_STATUSES = ("SENT", "SENT", "RECEIVED", "RECEIVED", "REQUESTED", "DECLINED")
_C = CaseRow.__table__.c


@dataclass(frozen=True)
class Exchange:
    """One scripted document: who sends what to whom, in which status."""

    sender: str
    recipient: str
    form_type: str
    status: str
    contains_fti: bool = False
    on_case: bool = True
    answers: int | None = None
    """The position (in this script) of the request this document answers."""


SCRIPT: tuple[Exchange, ...] = (
    Exchange("06", "48", "UIFSA_TRANSMITTAL_1", "SENT"),
    Exchange("48", "06", "UIFSA_TRANSMITTAL_1_ACK", "RECEIVED"),
    Exchange("06", "48", "LOCATE_DATA_SHEET", "SENT", contains_fti=True),
    Exchange("36", "06", "GENERAL_TESTIMONY", "REQUESTED"),
    Exchange("48", "36", "PERSONAL_INFORMATION_FORM_311", "RECEIVED"),
    Exchange("36", "48", "PERSONAL_INFORMATION_FORM_311", "SENT", answers=5),
    Exchange("12", "06", "DECLARATION_OF_PARENTAGE", "DECLINED"),
    Exchange("T0001", "04", "UNIFORM_SUPPORT_PETITION", "SENT", on_case=False),
    Exchange("06", "T0001", "NOTICE_OF_CONTROLLING_ORDER", "RECEIVED", contains_fti=True),
    Exchange("48", "06", "CONFIDENTIAL_INFORMATION_FORM", "SENT", on_case=False),
)


async def seed_documents(
    engines: Mapping[str, AsyncEngine], seed: int, blobs: BlobStore | None
) -> int:
    """Replace every document (and the contents of those seeded before); answer how many."""
    engine = engines["documents"]
    rng = random.Random(f"{seed}:documents")
    rows = document_rows(rng, await _newest_cases(engines["fcr"]))
    await _clear(engine, blobs)
    if blobs is not None:
        for row in rows:
            await _store_content(blobs, row)
    async with engine.begin() as conn:
        await conn.execute(insert(DOCUMENTS), rows)
        if engine.dialect.name == "postgresql":
            next_id = select(func.coalesce(func.max(DOCUMENTS.c.id), 0) + 1).scalar_subquery()
            sequence = func.pg_get_serial_sequence("documents", "id")
            await conn.execute(select(func.setval(sequence, next_id, False)))
    return len(rows)


async def _newest_cases(fcr: AsyncEngine) -> dict[str, int]:
    """Each jurisdiction's newest case id."""
    stmt = select(_C.jurisdiction, func.max(_C.id)).group_by(_C.jurisdiction)
    async with fcr.connect() as conn:
        return {code: case_id for code, case_id in (await conn.execute(stmt)).all()}


async def _clear(engine: AsyncEngine, blobs: BlobStore | None) -> None:
    async with engine.begin() as conn:
        if blobs is not None:
            keys = await conn.scalars(
                select(DOCUMENTS.c.blob_key).where(DOCUMENTS.c.blob_key.is_not(None))
            )
            for key in keys.all():
                await blobs.delete(key)
        await conn.execute(update(DOCUMENTS).values(request_id=None))
        await conn.execute(delete(DOCUMENTS))


def document_rows(rng: random.Random, cases: Mapping[str, int]) -> list[Row]:
    """The scripted documents, then random ones; ids 1..n in that order."""
    exchanges = [*SCRIPT, *(_random_exchange(rng) for _ in range(RANDOM_DOCUMENTS))]
    return [_row(rng, number, exchange, cases) for number, exchange in enumerate(exchanges, 1)]


def _random_exchange(rng: random.Random) -> Exchange:
    codes = STATE_FIPS + TRIBAL_CODES
    sender, recipient = rng.sample(codes, 2)
    status = rng.choice(_STATUSES)
    fti = status != "REQUESTED" and status != "DECLINED" and rng.random() < FTI_SHARE
    return Exchange(
        sender, recipient, rng.choice(FORM_TYPES), status, fti, on_case=rng.random() < 0.6
    )


def _row(rng: random.Random, number: int, exchange: Exchange, cases: Mapping[str, int]) -> Row:
    case_id = _case_of(exchange, cases) if exchange.on_case else None
    created = datetime.combine(TODAY - timedelta(days=90 - number), time(9), tzinfo=UTC)
    return {
        "id": number,
        "case_id": case_id,
        "form_type": exchange.form_type,
        "title": _title(exchange),
        "sender": exchange.sender,
        "recipient": exchange.recipient,
        "status": exchange.status,
        "contains_fti": exchange.contains_fti,
        "size_bytes": None,
        "sha256": None,
        "blob_key": None,
        "created_at": created + timedelta(minutes=rng.randint(0, 480)),
        "request_id": exchange.answers,
    }


def _case_of(exchange: Exchange, cases: Mapping[str, int]) -> int | None:
    """The newest case of the lower-coded party holding one (a request and its answer agree)."""
    for code in sorted((exchange.sender, exchange.recipient)):
        if code in cases:
            return cases[code]
    return None


def _title(exchange: Exchange) -> str:
    words = exchange.form_type.replace("_", " ").title()
    return f"{words} ({exchange.sender} to {exchange.recipient})"


def synthetic_content(row: Row) -> bytes:
    """A small text naming the document's form and parties, and no person."""
    lines = [
        "SYNTHETIC DEMO DOCUMENT - NOT A REAL CASE RECORD",
        f"Form: {row['form_type']}",
        f"Title: {row['title']}",
        f"From jurisdiction {row['sender']} to jurisdiction {row['recipient']}",
        f"Contains Federal Tax Information: {'yes (synthetic)' if row['contains_fti'] else 'no'}",
    ]
    filler = [
        f"Line {n:04d} of the demo document body." for n in range(1, 20 * int(str(row["id"])))
    ]
    return "\n".join(lines + filler).encode() + b"\n"


async def _store_content(blobs: BlobStore, row: Row) -> None:
    if row["status"] not in WITH_CONTENT:
        return
    content = synthetic_content(row)
    key = f"documents/seed-{row['id']:06d}"
    await blobs.put(key, content)
    row.update(blob_key=key, size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest())
