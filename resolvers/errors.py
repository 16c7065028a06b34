"""Errors the hub raises on purpose; each carries a code of the access contract.

`HubError` and the policy's `Refused` live in `policy.refusals` (the gate raises them);
the base is named here too, for the modules that tell the hub's errors from bugs.
"""

from __future__ import annotations

from policy.refusals import HubError


class BadUserInput(HubError):
    code = "BAD_USER_INPUT"


class NotFound(HubError):
    code = "NOT_FOUND"


class SourceUnavailable(HubError):
    code = "SOURCE_UNAVAILABLE"


__all__ = ["BadUserInput", "HubError", "NotFound", "SourceUnavailable"]
