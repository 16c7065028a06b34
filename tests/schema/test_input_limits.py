"""One table of text limits: every text input has a considered limit, checked before resolvers."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

from schema import build_schema
from schema.input_limits import DEFAULT_TEXT_CHARS, TEXT_LIMITS
from tests.schema.conftest import ContextFor

SCHEMA = build_schema()
TEXT_TYPES = ("String",)


def _text_coordinates() -> set[str]:
    """Every String input field, and every String argument of a root field but cursors."""
    found = set()
    for type_ in SCHEMA._schema.type_map.values():
        if isinstance(type_, GraphQLInputObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                if get_named_type(field.type).name in TEXT_TYPES:
                    found.add(f"{type_.name}.{name}")
    for root in ("Query", "Mutation"):
        root_type = SCHEMA._schema.type_map[root]
        assert isinstance(root_type, GraphQLObjectType)
        for field_name, field in root_type.fields.items():
            for name, argument in field.args.items():
                if get_named_type(argument.type).name in TEXT_TYPES and name != "after":
                    found.add(f"{root}.{field_name}({name}:)")
    return found


def test_every_text_input_has_a_considered_limit():
    # cursors (`after`) are decoded by resolvers.ids, which refuses what the hub did not make
    missing = _text_coordinates() - TEXT_LIMITS.keys()
    assert not missing, f"give these a limit in schema/input_limits.py: {sorted(missing)}"
    assert not TEXT_LIMITS.keys() - _text_coordinates(), "the table names what is not there"
    assert all(limit is None or 0 < limit <= DEFAULT_TEXT_CHARS for limit in TEXT_LIMITS.values())


MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { field message code } } }
"""
REPORT = {
    "employeeSsn": "900-12-3456",
    "employeeFirstName": "Pat",
    "employeeLastName": "Doe",
    "neverEmployed": True,
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employeeLastName": "Do\ud800e"}, ["input", "employeeLastName"]),
        ({"employeeFirstName": "\ufeff\x1b[2J"}, ["input", "employeeFirstName"]),
        ({"newEmployerName": "\x7f"}, ["input", "newEmployerName"]),
        (
            {"lastKnownAddress": {"line1": "\x00", "city": "X", "state": "CA", "zip": "95814"}},
            ["input", "lastKnownAddress", "line1"],
        ),
    ],
)
async def test_characters_no_column_takes_are_user_errors(
    context_for: ContextFor, change: dict[str, Any], field: list[str]
):
    # given an employer's report with a character no database takes (a lone surrogate
    # cannot even be encoded; PostgreSQL refuses NUL)
    context = await context_for("employer", fein="90-0000001")
    # when the mutation runs
    result = await SCHEMA.execute(
        MUTATION_REPORT, variable_values={"input": {**REPORT, **change}}, context_value=context
    )
    # then the payload refuses it at its input path (no resolver ran, no notice exists)
    assert result.errors is None, result.errors
    assert result.data is not None
    payload = result.data["reportTermination"]
    assert payload["notice"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "BAD_USER_INPUT")]


async def test_query_argument_refusal_names_the_argument(context_for: ContextFor):
    context = await context_for("ocss_staff")
    result = await SCHEMA.execute(
        "query($v: String) { participants(lastName: $v) { totalCount } }",
        variable_values={"v": "Do\ud800e"},
        context_value=context,
    )
    assert result.errors is not None
    (error,) = result.errors
    assert error.extensions == {"code": "BAD_USER_INPUT", "argumentName": "lastName"}
    assert error.path == ["participants"]
    assert "\ud800" not in error.message
