"""Tampering with the stored audit trail: `verify` names the first bad event."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import VerifyResult
from datasources.audit_chain import event_hash
from datasources.sql_audit import SqlAuditTrail
from tests.datasources.audit_support import EVENTS, HEAD, append_numbered, stored


async def test_verify_after_changing_one_byte_names_that_event(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # given
    await append_numbered(audit_trail, 10)
    async with audit_engine.begin() as conn:
        await conn.execute(
            text("UPDATE audit_events SET resource = 'Participant.ssm' WHERE seq = 6")
        )

    # when
    result = await audit_trail.verify()

    # then
    assert result == VerifyResult(False, 5, 6, "hash does not match the event's contents")


@pytest.mark.parametrize("removed", [1, 4, 10])
async def test_verify_after_deleting_an_event_names_it(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, removed: int
) -> None:
    # given
    await append_numbered(audit_trail, 10)
    async with audit_engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": removed})

    # when
    result = await audit_trail.verify()

    # then
    assert result == VerifyResult(False, removed - 1, removed, f"event {removed} is missing")


async def test_verify_after_inserting_a_forged_event_names_it(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # given: a forged eleventh event whose hash chains correctly onto the tenth
    await append_numbered(audit_trail, 10)
    tenth = await stored(audit_engine, 10)
    forged = {**tenth, "seq": 11, "record_id": "forged", "prev_hash": tenth["hash"]}
    forged["hash"] = event_hash(tenth["hash"], forged)
    async with audit_engine.begin() as conn:
        await conn.execute(insert(EVENTS), [forged])

    # when
    result = await audit_trail.verify()

    # then
    assert result == VerifyResult(False, 10, 11, "event 11 lies beyond the chain head")


async def test_verify_after_swapping_two_events_names_the_first(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # given
    await append_numbered(audit_trail, 10)
    third, seventh = await stored(audit_engine, 3), await stored(audit_engine, 7)
    async with audit_engine.begin() as conn:
        for seq, contents in ((3, seventh), (7, third)):
            values = {name: value for name, value in contents.items() if name != "seq"}
            await conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(values))

    # when
    result = await audit_trail.verify()

    # then
    assert result == VerifyResult(False, 2, 3, "prev_hash differs from the previous event's hash")


async def test_verify_after_rehashing_the_rest_of_the_chain_names_the_checkpoint(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail
) -> None:
    # given: event 3 altered and every later hash and the head recomputed to match
    await append_numbered(audit_trail, 5)
    await audit_trail.checkpoint()
    await append_numbered(audit_trail, 5)
    prev_hash = (await stored(audit_engine, 2))["hash"]
    async with audit_engine.begin() as conn:
        for seq in range(3, 11):
            event = {**await stored(audit_engine, seq), "prev_hash": prev_hash}
            if seq == 3:
                event["purpose"] = "curiosity"
            event["hash"] = prev_hash = event_hash(prev_hash, event)
            await conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(event))
        await conn.execute(update(HEAD).values(hash=prev_hash))

    # when
    result = await audit_trail.verify()

    # then
    assert result == VerifyResult(False, 4, 5, "hash differs from its checkpoint")
