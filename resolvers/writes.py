"""Shared rules of the write side: refused input is reported, never half-applied, always audited.

A mutation resolver validates everything first and collects `InputProblem`s; if any,
it changes nothing and answers them as `userErrors`. Otherwise the source applies
the change in one transaction. Either way `audit_write` records the attempt.
"""

from __future__ import annotations

from dataclasses import dataclass

from strawberry import Info

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
    operation = info.operation.name.value if info.operation and info.operation.name else None
    trail = Trail(info.context.audit, operation, resource, record_id)
    info.context.gate.record_write(trail, written=not refused)
