"""Compiling a document the hub has seen into a `Plan`, or saying why not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    visit,
)
from graphql.language import Visitor

from plans.field_kinds import FieldKinds

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
CONDITIONS = frozenset({"skip", "include"})


@dataclass
class Plan:
    """One query of one document, ready to run for any viewer of one role and clearance.

    `fields` memoises field collection per (runtime type, selection), and `steps` what
    each collected field takes, when no `@skip` or `@include` depends on a variable. Both
    fill as requests run and never change an answer.
    """

    schema: GraphQLSchema
    kinds: FieldKinds
    document: DocumentNode
    operation: OperationDefinitionNode
    operation_name: str | None
    static_directives: bool
    fields: dict[tuple[str, tuple[int, ...]], object] = field(default_factory=dict)
    steps: dict[tuple[str, int], list[Any]] = field(default_factory=dict)


class _Shape(Visitor):
    """What a document holds that a plan does not run."""

    def __init__(self) -> None:
        super().__init__()
        self.declined: str | None = None
        self.variable_conditions = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.declined = "introspection"

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        name = node.name.value
        if name not in CONDITIONS:
            self.declined = f"@{name}"
            return
        if any(isinstance(argument.value, VariableNode) for argument in node.arguments or ()):
            self.variable_conditions = True


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    named = [o for o in operations if o.name is not None and o.name.value == name]
    return named[0] if len(named) == 1 else None


def compile_plan(kinds: FieldKinds, query: str, operation_name: str | None) -> Plan | None:
    """A plan for the query `operation_name` of `query`, or None for what plans do not run.

    The document has already passed the standard path (parsing, validation, limits); a
    plan is compiled only for a document that did.
    """
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operation = _operation(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    shape = _Shape()
    visit(document, shape)
    if shape.declined is not None:
        return None
    return Plan(
        schema=kinds.schema._schema,
        kinds=kinds,
        document=document,
        operation=operation,
        operation_name=operation_name,
        static_directives=not shape.variable_conditions,
    )


__all__ = ["Plan", "compile_plan"]
