"""Errors the hub raises on purpose; each carries a code of the access contract."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

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


class HubError(GraphQLError):
    """An error whose message is safe to show; never put a PII or FTI value in it."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(HubError):
    code = "BAD_USER_INPUT"


class NotFound(HubError):
    code = "NOT_FOUND"


class Forbidden(HubError):
    code = "FORBIDDEN"


class SourceUnavailable(HubError):
    code = "SOURCE_UNAVAILABLE"


class Refused(HubError):
    """Policy refused a value; the code is the policy line's (FORBIDDEN, FTI_RESTRICTED...)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
