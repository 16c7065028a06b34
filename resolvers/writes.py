"""Shared rules of the write side: refused input is reported, never half-applied, always audited.

A mutation resolver validates everything first and collects `InputProblem`s; if any,
it changes nothing and answers them as `userErrors`, and `audit_write` records the refused
attempt in the request's log. Otherwise the source applies the change in one transaction,
and stores the event `written_event` drafts in that same transaction (its audit outbox):
a committed change always has its event, and an event that cannot be stored rolls the
change back.
"""

from __future__ import annotations

from dataclasses import dataclass

from strawberry import Info

from datasources.audit import AuditEventDraft
from policy.gate import Trail
from resolvers.context import Context
from resolvers.errors import BadUserInput
from resolvers.ids import decode_int_id, encode_global_id


@dataclass(frozen=True)
class InputProblem:
    """One reason an input was refused: the input path, a safe message, a contract code."""

    field: tuple[str, ...]
    message: str
    code: str = "BAD_USER_INPUT"


class InputRefused(Exception):
    """Raised inside a write to abandon it (and roll it back) with these problems."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("input refused")
        self.problems = problems


def target_id(value: str | None, type_name: str) -> str | None:
    """The record a write's input names, as the hub's own id; None when it names none.

    Only an id that decodes to a record of `type_name` is kept (re-encoded, so nothing the
    client typed reaches the trail verbatim).
    """
    if value is None:
        return None
    try:
        return encode_global_id(type_name, decode_int_id(value, type_name))
    except BadUserInput:
        return None


def audit_write(
    info: Info[Context, None], *, resource: str, record_id: str | None, refused: bool
) -> None:
    """Record one mutation attempt, written or refused, naming the record it was about.

    The gate records it (`policy.gate.Gate.record_write`): every attempt its own event.
    """
    trail = Trail(info.context.audit, _operation(info), resource, record_id)
    info.context.gate.record_write(trail, written=not refused)


def written_event(
    info: Info[Context, None], *, resource: str, record_id: str | None
) -> AuditEventDraft:
    """The event of a mutation that changes `record_id`, for the source to store with it.

    Drafted by the gate (`policy.gate.Gate.write_event`); the source inserts it in the
    change's own transaction, so it is not recorded in the request's log as well.
    """
    trail = Trail(info.context.audit, _operation(info), resource, record_id)
    return info.context.gate.write_event(trail)


RELAY_WAIT_SECONDS = 2.0
"""How long a written mutation's answer waits for the relay to move its event into the trail."""


async def relay_written(info: Info[Context, None]) -> None:
    """Once a change committed: wake the audit relay and wait (bounded) for its round.

    The event is durable already (the outbox, in the change's transaction); the wait makes
    the trail show it before the answer leaves, in the ordinary case (ADR 0015).
    """
    await info.context.sources.audit_relay.flush(within=RELAY_WAIT_SECONDS)


def _operation(info: Info[Context, None]) -> str | None:
    return info.operation.name.value if info.operation and info.operation.name else None
