"""Schema-wide policy: introspection by role, and the audit trail written before answers leave."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import lru_cache

from graphql import DocumentNode, FieldNode, GraphQLError, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from policy.audit import write_before_answer
from policy.gate import Trail
from policy.registry import INTROSPECTION
from resolvers.context import Context
from schema.errors import INTERNAL_MESSAGE


class _IntrospectionFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found = True


@lru_cache(maxsize=512)
def _introspects(document: DocumentNode) -> bool:
    finder = _IntrospectionFinder()
    visit(document, finder)
    return finder.found


class IntrospectionPolicy(SchemaExtension):
    """Refuse `__schema` and `__type` to viewers the gate does not let introspect."""

    def on_execute(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        context = self.execution_context.context
        if document is not None and isinstance(context, Context) and _introspects(document):
            operation = self.execution_context.operation_name
            trail = Trail(context.audit, operation, INTROSPECTION)
            development = context.settings.is_development
            context.gate.introspection(context.viewer, development=development, trail=trail)
        yield


class AuditTrailWriter(SchemaExtension):
    """Write the request's audit events in one batch before the answer leaves; fail closed."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, Context):
            return
        if not await write_before_answer(context.sources.audit, context.audit, withheld="answer"):
            result = self.execution_context.result
            if result is not None:
                result.data = None
                result.errors = [
                    GraphQLError(INTERNAL_MESSAGE, extensions={"code": "INTERNAL_SERVER_ERROR"})
                ]
