"""Giving every error a contract code, and keeping internals and submitted values out of answers.

Strawberry hands every error of an operation, whether raised while parsing,
validating or executing, to `Schema.process_errors` before the answer is built;
that one place labels and masks them all. What each kind of error answers:

| error | code |
| --- | --- |
| a `HubError` (or one raised inside a resolver) | its own code |
| an operation limit (depth, aliases, tokens) | OPERATION_TOO_COMPLEX |
| any other exception a resolver or scalar raised | INTERNAL_SERVER_ERROR, masked |
| a syntax error (no document) | GRAPHQL_PARSE_FAILED |
| a variable whose value does not coerce | BAD_USER_INPUT |
| any other error before execution (validation) | GRAPHQL_VALIDATION_FAILED |
| an error of execution with no original error | INTERNAL_SERVER_ERROR, masked |
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode
from strawberry.types.execution import ExecutionContext

from resolvers.errors import HubError
from schema.value_errors import is_variable_value_error, safe_variable_message

logger = logging.getLogger("hub.graphql")

INTERNAL_MESSAGE = "Internal server error."
INVALID_VALUE_MESSAGE = "The request has an invalid value."
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")
# a syntax error quotes the token it stopped at ("found String '900-12-3456'."): keep its kind
_QUOTED_TOKEN = re.compile(r"\b(String|BlockString|Int|Float|Name) (['\"]).*$", re.DOTALL)


_LIMITS = ("exceeds maximum operation depth", "aliases found. Allowed", "tokens. Parsing aborted")
# refusals of variables' values that carry no value (graphql-core 3.2 and 3.3 wordings)
_VARIABLE_REFUSALS = re.compile(
    r"Variable '\$\w+' of (required|non-null) type"
    r"|Variable values are nested too deeply"
    r"|Too many errors processing variables",
    re.ASCII,
)
# a submitted value shorter than this is too common a word to look for in a message
_MIN_ECHO_CHARS = 6
_MAX_ITEMS_SEEN = 10_000


def _code_of(error: GraphQLError, parsed: bool) -> str:
    if any(limit in error.message for limit in _LIMITS) and error.path is None:
        return "OPERATION_TOO_COMPLEX"
    if isinstance(error.original_error, HubError):
        return str((error.original_error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR"))
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        return "INTERNAL_SERVER_ERROR"
    if not parsed:
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and (
        is_variable_value_error(error) or _VARIABLE_REFUSALS.match(error.message)
    ):
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


def _leaves(value: object) -> Iterator[str]:
    """The strings and numbers inside submitted variables, as a message would quote them.

    Bounded: at most `_MAX_ITEMS_SEEN` items are looked at (variables may be megabytes).
    """
    stack, seen = [value], 0
    while stack and seen < _MAX_ITEMS_SEEN:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            text = str(item)[:100]
            if len(text) >= _MIN_ECHO_CHARS:
                yield text


def _defined(context: ExecutionContext) -> dict[str, object]:
    """The submitted variables the operation defines: only those can reach a message."""
    variables = context.variables
    document = context.graphql_document
    if document is None or not isinstance(variables, dict):
        return {}
    names = {
        definition.variable.name.value
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
        for definition in operation.variable_definitions or ()
    }
    return {name: variables[name] for name in names if name in variables}


def _echoes(message: str, submitted: list[str]) -> bool:
    return any(value in message for value in submitted)


def _safe_message(
    error: GraphQLError, schema: GraphQLSchema | None, *, hide_suggestions: bool
) -> str:
    """The message without submitted values and, when asked, without suggestions."""
    if isinstance(error, HubError) or isinstance(error.original_error, HubError):
        if not is_variable_value_error(error):
            return error.message  # our own words, written to hold no value
    message = error.message
    if error.path is None and is_variable_value_error(error):
        message = safe_variable_message(error, schema)
    if message.startswith("Syntax Error:"):
        message = _QUOTED_TOKEN.sub(r"\1.", message)
    if hide_suggestions:
        message = _SUGGESTION.sub("", message)
    return message


def _client_message(
    error: GraphQLError, schema: GraphQLSchema | None, submitted: list[str], hide: bool
) -> str:
    try:
        message = _safe_message(error, schema, hide_suggestions=hide)
    except Exception as failure:  # labelling must never fail the answer it labels
        logger.error("error message not rewritten (%s)", type(failure).__name__)
        return INVALID_VALUE_MESSAGE
    own = isinstance(error, HubError) or isinstance(error.original_error, HubError)
    return message if own or not _echoes(message, submitted) else INVALID_VALUE_MESSAGE


def label_errors(
    errors: list[GraphQLError],
    execution_context: ExecutionContext | None,
    *,
    hide_suggestions: bool = False,
) -> None:
    """Give each error its contract code; mask and log the unexpected ones.

    No message repeats a submitted value: variable-coercion messages are rewritten to
    name the variable, the path and the expected type (literals are reported so by
    `SafeValuesOfCorrectTypeRule`), and any other message of graphql-core's that
    quotes a submitted variable is replaced whole. With `hide_suggestions`, no
    message suggests a field, argument, type or enum value ("Did you mean ...?"):
    production answers give no map of the schema.
    """
    parsed = execution_context is not None and execution_context.graphql_document is not None
    operation = execution_context.operation_name if execution_context else None
    schema = execution_context.schema._schema if execution_context else None
    defined = _defined(execution_context) if execution_context else {}
    submitted = sorted(set(_leaves(defined))) if defined else []
    for error in errors:
        code = (error.extensions or {}).get("code") or _code_of(error, parsed)
        if code == "INTERNAL_SERVER_ERROR" and not isinstance(error.original_error, HubError):
            _mask(error, operation)
        else:
            error.message = _client_message(error, schema, submitted, hide_suggestions)
        error.extensions = {**(error.extensions or {}), "code": code}
