"""Errors the hub raises on purpose; each carries a code of the access contract.

`HubError` and the policy's `Refused` live in `policy.refusals` (the gate raises them);
the base is named here too, for the modules that tell the hub's errors from bugs.
"""

from __future__ import annotations

from typing import TypeVar

from policy.refusals import HubError

T = TypeVar("T")


class BadUserInput(HubError):
    code = "BAD_USER_INPUT"


class NotFound(HubError):
    code = "NOT_FOUND"


class SourceUnavailable(HubError):
    code = "SOURCE_UNAVAILABLE"


def one_of(answers: list[T | HubError]) -> T:
    """The one answer of a batch asked for one root; its error raised as the field's."""
    answer = answers[0]
    if isinstance(answer, HubError):
        raise answer
    return answer


__all__ = ["one_of", "BadUserInput", "HubError", "NotFound", "SourceUnavailable"]
