"""What every transport answer must hold: contract codes, no traceback, no echoed value."""

from __future__ import annotations

from typing import Any

CONTRACT_CODES = frozenset(
    {
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
    }
)


def codes(errors: list[dict[str, Any]]) -> list[str]:
    """The contract codes of `errors`; fails for an error without one."""
    found = [(error.get("extensions") or {}).get("code") for error in errors]
    assert found, "no error at all"
    assert all(code in CONTRACT_CODES for code in found), errors
    return [str(code) for code in found]
