"""Errors the hub raises on purpose; each carries a code of the access contract.

`HubError` and the policy's `Refused` live in `policy.refusals` (the gate raises them);
the base is named here too, for the modules that tell the hub's errors from bugs.
"""

from __future__ import annotations

from policy.refusals import HubError

CODES = (
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "FTI_RESTRICTED",
    "FVI_PROTECTED",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "SOURCE_UNAVAILABLE",
    "RATE_LIMITED",
    "OPERATION_TOO_COMPLEX",
    "PERSISTED_QUERY_NOT_FOUND",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "INTERNAL_SERVER_ERROR",
)


class BadUserInput(HubError):
    code = "BAD_USER_INPUT"


class NotFound(HubError):
    code = "NOT_FOUND"


class Forbidden(HubError):
    code = "FORBIDDEN"


class SourceUnavailable(HubError):
    code = "SOURCE_UNAVAILABLE"


__all__ = ["CODES", "BadUserInput", "Forbidden", "HubError", "NotFound", "SourceUnavailable"]
