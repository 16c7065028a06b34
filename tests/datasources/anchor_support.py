"""Helpers of the anchoring tests: the attacks on the audit database the anchor exists for."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit_chain import event_hash
from tests.datasources.audit_support import CHECKPOINTS, EVENTS, HEAD


async def rewrite_from(engine: AsyncEngine, seq: int, *, record_id: str) -> None:
    """Change event `seq` and recompute the chain after it, the head and the checkpoints too.

    The database then verifies on its own: only a record kept elsewhere can tell.
    """
    async with engine.begin() as conn:
        rows = [
            row._asdict()
            for row in await conn.execute(
                select(EVENTS).where(EVENTS.c.seq >= seq - 1).order_by(EVENTS.c.seq)
            )
        ]
        prev_hash = rows[0]["hash"] if rows[0]["seq"] < seq else rows[0]["prev_hash"]
        for row in rows:
            if row["seq"] < seq:
                continue
            if row["seq"] == seq:
                row["record_id"] = record_id
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = event_hash(prev_hash, row)
            values = {
                "record_id": row["record_id"],
                "prev_hash": row["prev_hash"],
                "hash": row["hash"],
            }
            await conn.execute(update(EVENTS).where(EVENTS.c.seq == row["seq"]).values(values))
            await conn.execute(
                update(CHECKPOINTS).where(CHECKPOINTS.c.seq == row["seq"]).values(hash=row["hash"])
            )
        await conn.execute(update(HEAD).values(hash=prev_hash))


async def cut_tail_after(engine: AsyncEngine, seq: int) -> None:
    """Delete the events after `seq`, and their checkpoints, and move the head back to `seq`."""
    async with engine.begin() as conn:
        last = (
            await conn.execute(select(EVENTS.c.hash, EVENTS.c.at).where(EVENTS.c.seq == seq))
        ).one()
        await conn.execute(delete(EVENTS).where(EVENTS.c.seq > seq))
        await conn.execute(delete(CHECKPOINTS).where(CHECKPOINTS.c.seq > seq))
        await conn.execute(update(HEAD).values(seq=seq, hash=last.hash, at=last.at))
