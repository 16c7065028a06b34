"""Giving every error a contract code, and keeping internals out of answers and logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types.execution import ExecutionContext

from resolvers.errors import HubError

logger = logging.getLogger("hub.graphql")

INTERNAL_MESSAGE = "Internal server error."


def _is_internal(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, HubError)


def _code_of(error: GraphQLError, parsed: bool) -> str:
    if isinstance(error.original_error, HubError):
        return str(error.original_error.extensions["code"])
    if not parsed:
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and error.message.startswith("Variable "):
        return "BAD_USER_INPUT"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


class ErrorCodes(MaskErrors):
    """Mask unexpected errors and label every error with a code of the access contract."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_internal, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        parsed = self.execution_context.graphql_document is not None
        for error in getattr(result, "errors", None) or ():
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", _code_of(error, parsed))
            error.extensions = extensions


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Log what went wrong without the message text, which may echo input values."""
    operation = execution_context.operation_name if execution_context else None
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, HubError):
            logger.error(
                "unexpected %s in operation %s at %s",
                type(original).__name__,
                operation or "anonymous",
                error.path,
            )
