"""What every mutation answers with: a payload and its user errors."""

from __future__ import annotations

import strawberry

from resolvers.writes import InputProblem


@strawberry.type(description="Why an input was refused: where, what, and a contract code.")
class UserError:
    field: list[str] | None
    message: str
    code: str

    @classmethod
    def from_problem(cls, problem: InputProblem) -> UserError:
        return cls(field=list(problem.field) or None, message=problem.message, code=problem.code)


def user_errors(problems: list[InputProblem]) -> list[UserError]:
    return [UserError.from_problem(problem) for problem in problems]
