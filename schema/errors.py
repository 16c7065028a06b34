"""Giving every error a contract code, and keeping internals out of answers and logs.

Strawberry hands every error of an operation, whether raised while parsing,
validating or executing, to `Schema.process_errors` before the answer is built;
that one place labels and masks them all.
"""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError
from strawberry.types.execution import ExecutionContext

from resolvers.errors import HubError

logger = logging.getLogger("hub.graphql")

INTERNAL_MESSAGE = "Internal server error."
_SUGGESTION = re.compile(r" Did you mean .*\?$")


_LIMITS = ("exceeds maximum operation depth", "aliases found. Allowed", "tokens. Parsing aborted")


def _code_of(error: GraphQLError, parsed: bool) -> str:
    if any(limit in error.message for limit in _LIMITS) and error.path is None:
        return "OPERATION_TOO_COMPLEX"
    if isinstance(error.original_error, HubError):
        return str((error.original_error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR"))
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        return "INTERNAL_SERVER_ERROR"
    if not parsed:
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and error.message.startswith("Variable "):
        return "BAD_USER_INPUT"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


def _mask(error: GraphQLError, operation: str | None) -> None:
    original = error.original_error
    # the message may echo SQL parameters or input values: log the type only
    logger.error(
        "unexpected %s in operation %s at %s",
        type(original).__name__,
        operation or "anonymous",
        error.path,
    )
    error.message = INTERNAL_MESSAGE
    error.original_error = None


def label_errors(
    errors: list[GraphQLError],
    execution_context: ExecutionContext | None,
    *,
    hide_suggestions: bool = False,
) -> None:
    """Give each error its contract code; mask and log the unexpected ones.

    With `hide_suggestions`, validation errors do not suggest field or type names
    ("Did you mean ...?"): production answers give no map of the schema.
    """
    parsed = execution_context is not None and execution_context.graphql_document is not None
    operation = execution_context.operation_name if execution_context else None
    for error in errors:
        code = (error.extensions or {}).get("code") or _code_of(error, parsed)
        if code == "INTERNAL_SERVER_ERROR" and not isinstance(error.original_error, HubError):
            _mask(error, operation)
        elif hide_suggestions and code == "GRAPHQL_VALIDATION_FAILED":
            error.message = _SUGGESTION.sub("", error.message)
        error.extensions = {**(error.extensions or {}), "code": code}
