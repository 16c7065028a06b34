"""What every mutation answers with: a payload and its user errors."""

from __future__ import annotations

import strawberry

from resolvers.writes import InputProblem
from schema.resolved import resolved_by


def _field(root: InputProblem) -> list[str] | None:
    return list(root.field) or None


@strawberry.type(description="Why an input was refused: where, what, and a contract code.")
class UserError:
    """Served from the resolvers' `InputProblem`s as they are (the path made a list)."""

    field: list[str] | None = resolved_by(_field)
    message: str
    code: str


def user_errors(problems: list[InputProblem]) -> list[InputProblem]:
    """A payload's `userErrors`: the problems themselves, which `UserError` serves."""
    return list(problems)
