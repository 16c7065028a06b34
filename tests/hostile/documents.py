"""GraphQL operations generated from the served schema: valid, almost valid, and broken.

`operations(schema)` walks graphql-core's types from a root (query, mutation or
subscription), picks fields, gives their arguments values of the right type or the
wrong one (inline or through variables), selects subfields down to a small depth, and
now and then breaks the result (an unknown field, a missing argument, a truncated
document, a wrong variable type). Every string value it puts in the request is kept
in `carried`, for the echo check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import strategies as st

from tests.hostile import values
from tests.hostile.values import Value

Draw = Callable[[st.SearchStrategy[object]], object]

MAX_DEPTH = 5
SCALAR_VALUES: dict[str, st.SearchStrategy[object]] = {
    "String": values.strings,
    "ID": values.ids,
    "Int": values.ints,
    "Float": values.floats,
    "Boolean": st.booleans(),
    "Date": values.dates,
    "DateTime": values.date_times,
    "Money": values.money,
}


@dataclass
class GraphQLRequest:
    """One GraphQL request as a client would send it, and the strings it carries."""

    query: str
    variables: dict[str, object] | None = None
    operation_name: str | None = None
    carried: list[str] = field(default_factory=list)

    def body(self) -> dict[str, object]:
        payload: dict[str, object] = {"query": self.query}
        if self.variables is not None:
            payload["variables"] = self.variables
        if self.operation_name is not None:
            payload["operationName"] = self.operation_name
        return payload


def strings_in(value: object) -> list[str]:
    """Every string value inside a JSON-like value (not its keys: those are names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    return []


class _Builder:
    """The state of one generated operation while its selections are drawn."""

    def __init__(self, draw: Draw, schema: GraphQLSchema) -> None:
        self.draw = draw
        self.schema = schema
        self.definitions: list[str] = []
        self.variables: dict[str, object] = {}
        self.carried: list[str] = []

    def _below(self, chance: float) -> bool:
        """True with about `chance`; the shrinker's 0 means False (the ordinary path)."""
        roll = self.draw(st.integers(0, 99))
        assert isinstance(roll, int)
        return roll >= 100 - chance * 100

    def value_for(self, kind: GraphQLInputType, depth: int = 0) -> Value:
        """A value of `kind`, or now and then one of the wrong type."""
        if self._below(0.12):
            wrong = self.draw(values.wrong_values)
            assert isinstance(wrong, Value)
            return self._carry(wrong)
        if isinstance(kind, GraphQLNonNull):
            return self.value_for(kind.of_type, depth)
        if isinstance(kind, GraphQLList):
            count = self.draw(st.integers(0, 3))
            assert isinstance(count, int)
            items = [self.value_for(kind.of_type, depth + 1) for _ in range(count)]
            return Value([i.python for i in items], "[" + ", ".join(i.literal for i in items) + "]")
        if isinstance(kind, GraphQLEnumType):
            names = [*kind.values, "NOT_A_VALUE", "open"]
            name = self.draw(st.sampled_from(names))
            assert isinstance(name, str)
            return Value(name, name)
        if isinstance(kind, GraphQLInputObjectType):
            return self._input_object(kind, depth)
        assert isinstance(kind, GraphQLScalarType)
        python = self.draw(SCALAR_VALUES.get(kind.name, values.strings))
        return self._carry(Value(python, values.literal_of(python)))

    def _input_object(self, kind: GraphQLInputObjectType, depth: int) -> Value:
        python: dict[str, object] = {}
        literals: list[str] = []
        for name, input_field in kind.fields.items():
            required = isinstance(input_field.type, GraphQLNonNull)
            if (required and not self._below(0.05)) or (not required and self._below(0.5)):
                if depth > 3:
                    continue
                item = self.value_for(input_field.type, depth + 1)
                python[name] = item.python
                literals.append(f"{name}: {item.literal}")
        if self._below(0.1):
            # an unknown input field carrying an SSN: its error must not echo the object
            python["employeeSsnCopy"] = values.SYNTHETIC_SSN
            literals.append(f'employeeSsnCopy: "{values.SYNTHETIC_SSN}"')
            self.carried.append(values.SYNTHETIC_SSN)
        return Value(python, "{" + ", ".join(literals) + "}")

    def _carry(self, value: Value) -> Value:
        self.carried.extend(strings_in(value.python))
        return value

    def arguments(self, graphql_field: GraphQLField) -> str:
        parts: list[str] = []
        for name, argument in graphql_field.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if required and self._below(0.04):
                continue  # almost valid: a required argument left out
            if not required and not self._below(0.45):
                continue
            value = self.value_for(argument.type)
            if self._below(0.35):
                variable = f"v{len(self.variables)}"
                declared = str(argument.type) if not self._below(0.08) else "String"
                self.definitions.append(f"${variable}: {declared}")
                self.variables[variable] = value.python
                parts.append(f"{name}: ${variable}")
            else:
                parts.append(f"{name}: {value.literal}")
        if self._below(0.03):
            parts.append('notAnArgument: "x"')
        return f"({', '.join(parts)})" if parts else ""

    def selection(self, parent: GraphQLNamedType, depth: int) -> str:
        """A selection set on `parent` (an object, interface or union)."""
        if isinstance(parent, GraphQLUnionType) or depth >= MAX_DEPTH:
            return "{ __typename }"
        assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        names = sorted(parent.fields)
        count = self.draw(st.integers(1, min(4, len(names))))
        assert isinstance(count, int)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=count))
        assert isinstance(chosen, list)
        parts = [self._field(parent, str(name), depth) for name in chosen]
        if isinstance(parent, GraphQLInterfaceType) and self._below(0.6):
            implementation = self.draw(st.sampled_from(self.schema.get_possible_types(parent)))
            assert isinstance(implementation, GraphQLObjectType)
            inner = self.selection(implementation, depth + 1)
            parts.append(f"... on {implementation.name} {inner}")
        if self._below(0.02):
            parts.append("notAField")
        return "{ " + " ".join(parts) + " }"

    def _field(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str, depth: int
    ) -> str:
        graphql_field = parent.fields[name]
        alias = f"a{depth}_{name}: " if self._below(0.1) else ""
        text = f"{alias}{name}{self.arguments(graphql_field)}"
        named = get_named_type(graphql_field.type)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if self._below(0.02):
                return text  # almost valid: an object field without a selection
            return f"{text} {self.selection(named, depth + 1)}"
        if self._below(0.01):
            return f"{text} {{ id }}"  # almost valid: a selection on a scalar
        return text


def _root(schema: GraphQLSchema, kind: str) -> GraphQLObjectType:
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[kind]
    assert root is not None
    return root


@st.composite
def operations(
    draw: st.DrawFn, schema: GraphQLSchema, kinds: tuple[str, ...] = ("query", "mutation")
) -> GraphQLRequest:
    """A generated operation on `schema`, now and then broken on purpose."""
    builder = _Builder(draw, schema)
    kind = draw(st.sampled_from(kinds))
    body = builder.selection(_root(schema, kind), 0)
    header = kind
    if builder.definitions:
        header += f" Hostile({', '.join(builder.definitions)})"
    query = f"{header} {body}"
    if draw(st.integers(0, 99)) >= 96:
        cut = draw(st.integers(0, max(0, len(query) - 1)))
        query = query[:cut]  # a truncated document
    operation_name = draw(st.sampled_from((None, None, None, "Hostile", values.SYNTHETIC_SSN)))
    if operation_name:
        builder.carried.append(operation_name)
    request = GraphQLRequest(query, builder.variables or None, operation_name, builder.carried)
    if draw(st.integers(0, 99)) >= 97:
        request.variables = {"v0": json.loads('{"a": [1, {"b": null}]}')}
    return request
