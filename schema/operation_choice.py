"""Which operation of a document runs: the one named, or the only one; never a guess.

Strawberry runs the first operation of a document when no `operationName` is given,
even when the document holds several, and GraphQL says such a request must be
refused ("Must provide operation name if query contains multiple operations"). An
unknown name would surface as strawberry's internal `CannotGetOperationTypeError`,
with the submitted name in its message. This extension refuses both right after
parsing, on every transport, with GRAPHQL_VALIDATION_FAILED and no submitted value.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

VALIDATION_FAILED = {"code": "GRAPHQL_VALIDATION_FAILED"}


class OperationNotChosen(GraphQLError):
    """The document and `operationName` do not name exactly one operation."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions=dict(VALIDATION_FAILED))


def _refusal(document: DocumentNode, name: object) -> str | None:
    """Why no single operation is chosen, or None when one is."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return "The document holds no operation."
    if name is None:
        if len(operations) > 1:
            return "Must provide operation name if query contains multiple operations."
        return None
    if not isinstance(name, str):
        return "The operation name must be a string."
    if not any(op.name is not None and op.name.value == name for op in operations):
        return "No operation of the document has the given operation name."
    return None


class OperationChoice(SchemaExtension):
    """Refuse a document whose operation to run is ambiguous or unknown."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return
        # strawberry keeps the name the client gave only here; `operation_name` guesses
        reason = _refusal(document, context._provided_operation_name)
        if reason is not None:
            raise OperationNotChosen(reason)
