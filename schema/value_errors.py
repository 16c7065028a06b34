"""Messages about a submitted value that say where it was and what was expected, never what it was.

graphql-core quotes a refused value back ("Int cannot represent non-integer value:
'900-12-3456'", "... not to include unknown field 'x', found: {...}"), and a value
may be an SSN. Variables are refused while execution starts, with messages of a
fixed shape that `safe_variable_message` rewrites; literals in the document are
refused by validation, where `SafeValuesOfCorrectTypeRule` reports them in its own
words. Both name the variable or argument, the path inside it and the expected type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLSchema,
    ValidationContext,
    ValueNode,
    VariableDefinitionNode,
    get_named_type,
    get_nullable_type,
    type_from_ast,
)
from graphql.language import SKIP, ArgumentNode, DirectiveNode, FieldNode, VisitorAction
from graphql.utilities.validate_input_value import validate_input_literal
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from resolvers.errors import HubError

_NAME = r"[_A-Za-z][_0-9A-Za-z]*"
# graphql-core 3.3: "Variable '$input' has invalid value at .a[0].b: <inner message>"
_VARIABLE_VALUE = re.compile(
    rf"Variable '\$(?P<name>{_NAME})' (?:has|got) invalid (?P<default>default )?value"
    rf"(?: at (?P<path>(?:\.{_NAME}|\[[0-9]+\])+))?: ",
    re.ASCII,
)
# any other wording of the same refusal (older graphql-core quotes the value first)
_VARIABLE_REFUSED = re.compile(rf"Variable '\$(?P<name>{_NAME})' (?:has|got) invalid", re.ASCII)
_SEGMENT = re.compile(rf"\.({_NAME})|\[([0-9]+)\]", re.ASCII)
_REQUIRED_FIELD = re.compile(rf"to include required field '({_NAME})'", re.ASCII)

Path = Sequence[str | int]


def is_variable_value_error(error: GraphQLError) -> bool:
    """Whether graphql-core refused a variable's submitted value (not its definition)."""
    return _VARIABLE_REFUSED.match(error.message) is not None


def _type_at(type_: GraphQLInputType | None, path: Path) -> GraphQLInputType | None:
    """The input type found at `path` (field names and list indexes) inside `type_`."""
    for key in path:
        inner = get_nullable_type(type_) if type_ is not None else None
        if isinstance(key, int) and isinstance(inner, GraphQLList):
            type_ = inner.of_type
        elif isinstance(key, str) and isinstance(inner, GraphQLInputObjectType):
            field = inner.fields.get(key)
            type_ = field.type if field is not None else None
        else:
            return None
    return type_


def _path_text(path: Path) -> str:
    text = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)
    return text.removeprefix(".")


def _reason(inner: BaseException | None, type_: GraphQLInputType | None) -> str:
    """Why the value was refused, in words that hold nothing submitted."""
    if isinstance(inner, HubError):
        return inner.message
    message = inner.message if isinstance(inner, GraphQLError) else ""
    named = get_named_type(type_) if type_ is not None else None
    if "not to include unknown field" in message and named is not None:
        return f"{named.name} does not define a field that was given"
    required = _REQUIRED_FIELD.search(message)
    if required:
        return f"required field '{required.group(1)}' is missing"
    if "not to be None" in message or "to be provided" in message:
        return "a value is required"
    return ""


def _described(where: str, path: Path, type_: GraphQLInputType | None, reason: str) -> str:
    at = f" at '{_path_text(path)}'" if path else ""
    expected = f": expected {type_}" if type_ is not None else ""
    because = f" ({reason})" if reason else ""
    return f"{where} has an invalid value{at}{expected}{because}."


def safe_variable_message(error: GraphQLError, schema: GraphQLSchema | None) -> str:
    """The message of a variable-coercion error, without the submitted value."""
    refused = _VARIABLE_REFUSED.match(error.message)
    name = refused.group("name") if refused else "?"
    node = error.nodes[0] if error.nodes else None
    declared: GraphQLInputType | None = None
    if schema is not None and isinstance(node, VariableDefinitionNode):
        declared = type_from_ast(schema, node.type)  # type: ignore[assignment]
    match = _VARIABLE_VALUE.match(error.message)
    if match is None:
        return _described(f"Variable '${name}'", [], declared, "")
    path: list[str | int] = [
        field if field else int(index) for field, index in _SEGMENT.findall(match["path"] or "")
    ]
    type_ = _type_at(declared, path)
    where = f"Variable '${name}'" + (" (its default)" if match["default"] else "")
    return _described(where, path, type_, _reason(error.original_error, type_))


class SafeValuesOfCorrectTypeRule(ValuesOfCorrectTypeRule):
    """graphql-core's rule for literals, reporting where and what was expected only."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._places: list[str] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        self._places.append(f"field '{node.name.value}'")

    def leave_field(self, node: FieldNode, *_args: Any) -> None:
        self._places.pop()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        self._places.append(f"directive '@{node.name.value}'")

    def leave_directive(self, node: DirectiveNode, *_args: Any) -> None:
        self._places.pop()

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        owner = f" of {self._places[-1]}" if self._places else ""
        self._places.append(f"Argument '{node.name.value}'{owner}")

    def leave_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._places.pop()

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self._places.append(f"The default of variable '${node.variable.name.value}'")

    def leave_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self._places.pop()

    def is_valid_value_node(
        self, node: ValueNode, input_type: GraphQLInputType | None
    ) -> VisitorAction:
        if input_type is None:
            return super().is_valid_value_node(node, input_type)
        where = self._places[-1] if self._places else "A value"
        reported: list[str] = []

        def on_error(error: GraphQLError, path: list[str | int]) -> None:
            type_ = _type_at(input_type, path)
            message = _described(where, path, type_, _reason(error, type_))
            if message not in reported:  # one message per place, however many causes
                reported.append(message)
                # a refusal by one of the hub's scalars keeps its code (BAD_USER_INPUT)
                codes = error.extensions if isinstance(error, HubError) else None
                self.report_error(GraphQLError(message, node, extensions=codes))

        validate_input_literal(node, input_type, on_error, None, None, True)
        return SKIP  # the whole literal is checked


def _safe_rules(rules: Sequence[type[Any]]) -> tuple[type[Any], ...]:
    return tuple(SafeValuesOfCorrectTypeRule if r is ValuesOfCorrectTypeRule else r for r in rules)


class SafeValueMessages(SchemaExtension):
    """Validate literals with `SafeValuesOfCorrectTypeRule` in place of graphql-core's rule."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = _safe_rules(context.validation_rules)
        yield
