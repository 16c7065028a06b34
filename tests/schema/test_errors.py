"""Every error has a contract code, and no message repeats what the client sent."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, parse
from strawberry.types.execution import ExecutionContext

from resolvers.context import Context
from resolvers.errors import BadUserInput
from schema import build_schema
from schema.errors import INVALID_VALUE_MESSAGE, label_errors
from tests.assertions import nonempty

SSN = "900-12-3456"
DEVELOPMENT = build_schema(hide_suggestions=False)
PRODUCTION = build_schema(hide_suggestions=True)

MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { userErrors { field message code } }
}
"""
MUTATION_UPDATE = """
mutation Update($input: UpdateOffsetCertificationInput!) {
  updateOffsetCertification(input: $input) { userErrors { field message code } }
}
"""
REPORT = {
    "employeeSsn": SSN,
    "employeeFirstName": "Pat",
    "employeeLastName": "Doe",
    "neverEmployed": True,
}


async def _errors(
    context: Context,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    production: bool = False,
) -> list[dict[str, Any]]:
    schema = PRODUCTION if production else DEVELOPMENT
    result = await schema.execute(query, variable_values=variables, context_value=context)
    assert result.errors, result
    return [dict(error.formatted) for error in result.errors]


# (document, variables, what the message must name)
VARIABLE_CASES = [
    pytest.param(
        MUTATION_REPORT,
        {"input": {**REPORT, "ssnCopy": SSN}},
        ["$input", "ReportTerminationInput", "does not define"],
        id="unknown-input-field",
    ),
    pytest.param(
        MUTATION_REPORT,
        {"input": {**REPORT, "employeeSsn": 900123456}},
        ["$input", "'employeeSsn'", "String!"],
        id="number-for-string",
    ),
    pytest.param(
        MUTATION_REPORT,
        {"input": {**REPORT, "lastKnownAddress": {"line1": SSN, "city": "X", "zip": "1"}}},
        ["$input", "'lastKnownAddress'", "required field 'state'"],
        id="missing-required-field",
    ),
    pytest.param(
        MUTATION_REPORT,
        {"input": SSN},
        ["$input", "ReportTerminationInput!"],
        id="string-for-object",
    ),
    pytest.param(
        "query($s: CaseStatus) { cases(status: $s) { totalCount } }",
        {"s": SSN},
        ["$s", "CaseStatus"],
        id="enum",
    ),
    pytest.param(
        "query($n: Int) { cases(first: $n) { totalCount } }",
        {"n": SSN},
        ["$n", "Int"],
        id="int",
    ),
    pytest.param(
        "query($n: Int) { cases(first: $n) { totalCount } }",
        {"n": 900123456789},
        ["$n", "Int"],
        id="int-out-of-range",
    ),
    pytest.param(
        "query($d: Date) { participants(dateOfBirth: $d) { totalCount } }",
        {"d": SSN},
        ["$d", "Date"],
        id="date",
    ),
    pytest.param(
        "query($d: DateTime) { terminationNotices(since: $d) { totalCount } }",
        {"d": SSN},
        ["$d", "DateTime"],
        id="datetime",
    ),
    pytest.param(
        MUTATION_UPDATE,
        {"input": {"id": "x", "arrearsAmount": SSN}},
        ["$input", "'arrearsAmount'", "Money"],
        id="money",
    ),
    pytest.param(
        "query($b: Boolean!) { viewer @include(if: $b) { role } }",
        {"b": SSN},
        ["$b", "Boolean!"],
        id="directive-variable",
    ),
]


@pytest.mark.parametrize(("query", "variables", "named"), VARIABLE_CASES)
async def test_variable_coercion_error_names_variable_path_and_type_only(
    context: Context, query: str, variables: dict[str, Any], named: list[str]
):
    # given a variable whose value does not coerce, with an SSN in it
    # when the operation runs
    (error,) = await _errors(context, query, variables)
    # then the error is the client's, says where and what was expected, and holds no value
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert SSN not in error["message"]
    assert "900123456" not in error["message"]
    for name in named:
        assert name in error["message"], error["message"]
    assert error["locations"]


LITERAL_CASES = [
    pytest.param(
        '{ cases(first: "900-12-3456") { totalCount } }',
        ["Argument 'first' of field 'cases'", "Int"],
        "GRAPHQL_VALIDATION_FAILED",
        id="int",
    ),
    pytest.param(
        '{ participants(dateOfBirth: "900-12-3456") { totalCount } }',
        ["Argument 'dateOfBirth'", "Date"],
        "BAD_USER_INPUT",
        id="date",
    ),
    pytest.param(
        'mutation { updateOffsetCertification(input: {id: "x", arrearsAmount: "900-12-3456"})'
        " { userErrors { code } } }",
        ["Argument 'input'", "'arrearsAmount'", "Money"],
        "BAD_USER_INPUT",
        id="money",
    ),
    pytest.param(
        'mutation { updateOffsetCertification(input: {id: "x", ssn: "900-12-3456"})'
        " { userErrors { code } } }",
        ["Argument 'input'", "UpdateOffsetCertificationInput", "does not define"],
        "GRAPHQL_VALIDATION_FAILED",
        id="unknown-input-field",
    ),
    pytest.param(
        '{ viewer @include(if: "900-12-3456") { role } }',
        ["Argument 'if' of directive '@include'", "Boolean!"],
        "GRAPHQL_VALIDATION_FAILED",
        id="directive",
    ),
    pytest.param(
        'query($n: Int = "900-12-3456") { cases(first: $n) { totalCount } }',
        ["variable '$n'", "Int"],
        "GRAPHQL_VALIDATION_FAILED",
        id="variable-default",
    ),
]


@pytest.mark.parametrize(("query", "named", "code"), LITERAL_CASES)
async def test_literal_argument_error_names_argument_and_type_only(
    context: Context, query: str, named: list[str], code: str
):
    # given a literal in the document that the argument's type refuses
    # when the document is validated
    (error,) = await _errors(context, query)
    # then the message names the argument and the expected type, not the literal
    assert error["extensions"]["code"] == code
    assert SSN not in error["message"]
    for name in named:
        assert name in error["message"], error["message"]


async def test_enum_literal_is_not_repeated(context: Context):
    # given an enum value the type does not have, written in the document
    (error,) = await _errors(context, "{ cases(status: OPN_900123456) { totalCount } }")
    # then the message names the argument and the enum, not the value
    assert "OPN_900123456" not in error["message"]
    assert "CaseStatus" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


SUGGESTING = [
    pytest.param("{ viewer { rol } }", None, id="field"),
    pytest.param("{ cases(frist: 1) { totalCount } }", None, id="argument"),
    pytest.param("query($s: CaseStatu) { cases(status: $s) { totalCount } }", None, id="type"),
    pytest.param("{ cases(status: OPN) { totalCount } }", None, id="enum-literal"),
    pytest.param(
        "query($s: CaseStatus) { cases(status: $s) { totalCount } }", {"s": "OPN"}, id="enum-var"
    ),
    pytest.param(
        'mutation { updateOffsetCertification(input: {id: "x", arrearsAmont: "1.00"})'
        " { userErrors { code } } }",
        None,
        id="input-field-literal",
    ),
    pytest.param(
        MUTATION_UPDATE, {"input": {"id": "x", "arrearsAmont": "1.00"}}, id="input-field-var"
    ),
    pytest.param("{ viewer }", None, id="subselection"),
    pytest.param("{ viewer @include(iff: true) { role } }", None, id="directive-argument"),
    pytest.param("fragment F on Viewr { role } { viewer { ...F } }", None, id="fragment-type"),
    pytest.param('{ node(id: "x") { lastName } }', None, id="inline-fragment"),
]


@pytest.mark.parametrize(("query", "variables"), SUGGESTING)
async def test_production_hides_every_suggestion(
    context: Context, query: str, variables: dict[str, Any] | None
):
    # given a misspelling that graphql-core would answer with a suggestion
    # when production answers it
    errors = await _errors(context, query, variables, production=True)
    # then no message suggests a name of the schema, and each has a code
    for error in nonempty(errors, "the errors of a misspelt document"):
        assert "Did you mean" not in error["message"], error["message"]
        assert error["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")


async def test_development_keeps_suggestions(context: Context):
    # given the same misspelt field in development mode
    (error,) = await _errors(context, "{ viewer { rol } }")
    # then the suggestion helps the developer
    assert "Did you mean 'role'?" in error["message"]


CODES = [
    pytest.param("{ viewer { role }", None, "GRAPHQL_PARSE_FAILED", id="syntax"),
    pytest.param("{ viewer { nothing } }", None, "GRAPHQL_VALIDATION_FAILED", id="unknown-field"),
    pytest.param(
        "query($x: String) { viewer { role } }", None, "GRAPHQL_VALIDATION_FAILED", id="unused-var"
    ),
    pytest.param(
        "query($b: Boolean) { viewer @include(if: $b) { role } }",
        None,
        "GRAPHQL_VALIDATION_FAILED",
        id="var-position",
    ),
    pytest.param(
        "query($n: Int!) { cases(first: $n) { totalCount } }",
        {},
        "BAD_USER_INPUT",
        id="var-missing",
    ),
    pytest.param(
        "query($n: Int!) { cases(first: $n) { totalCount } }",
        {"n": None},
        "BAD_USER_INPUT",
        id="var-null",
    ),
    pytest.param(
        "{ viewer { role } } { viewer { subject } }",
        None,
        "GRAPHQL_VALIDATION_FAILED",
        id="two-anonymous-operations",
    ),
]


@pytest.mark.parametrize(("query", "variables", "code"), CODES)
async def test_each_class_of_error_has_its_code(
    context: Context, query: str, variables: dict[str, Any] | None, code: str
):
    errors = await _errors(context, query, variables)
    assert errors[0]["extensions"]["code"] == code, errors


def _context(query: str, variables: dict[str, Any]) -> ExecutionContext:
    context = ExecutionContext(query=query, schema=DEVELOPMENT, allowed_operations=())
    context.graphql_document = parse(query)
    context.variables = variables
    return context


def test_older_wording_of_a_variable_error_is_rewritten_too():
    # given graphql-core 3.2's wording, which quotes the input object before the reason
    query = (
        "mutation($input: ReportTerminationInput!)"
        " { reportTermination(input: $input) { notice { id } } }"
    )
    context = _context(query, {"input": {"ssn": SSN}})
    node = context.graphql_document.definitions[0].variable_definitions[0]  # type: ignore[union-attr]
    error = GraphQLError(
        f"Variable '$input' got invalid value {{'ssn': '{SSN}'}}; Field 'ssn' is not defined"
        " by type 'ReportTerminationInput'.",
        node,
    )
    # when labelled
    label_errors([error], context)
    # then it names the variable and its type, not the value
    assert SSN not in error.message
    assert "$input" in error.message
    assert "ReportTerminationInput!" in error.message
    assert error.extensions == {"code": "BAD_USER_INPUT"}


def test_any_message_quoting_a_submitted_variable_is_replaced():
    # given a graphql-core message (of any rule) that quotes a variable's value
    context = _context("query($s: String) { viewer { role } }", {"s": f"ssn {SSN}"})
    error = GraphQLError(f"Something about 'ssn {SSN}' went wrong.")
    label_errors([error], context)
    # then the whole message is replaced, and the error keeps a code
    assert error.message == INVALID_VALUE_MESSAGE
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_hub_errors_keep_their_words_and_code():
    context = _context("{ viewer { role } }", {})
    error = GraphQLError("x", original_error=BadUserInput("not the id of a Case"))
    label_errors([error], context)
    assert error.message == "x"
    assert error.extensions == {"code": "BAD_USER_INPUT"}


def test_unexpected_errors_are_masked():
    context = _context("{ viewer { role } }", {})
    error = GraphQLError(f"boom {SSN}", path=["viewer"], original_error=KeyError(SSN))
    label_errors([error], context)
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}


def test_limits_are_operation_too_complex():
    error = GraphQLError("'anonymous' exceeds maximum operation depth of 12.")
    label_errors([error], _context("{ viewer { role } }", {}))
    assert error.extensions == {"code": "OPERATION_TOO_COMPLEX"}


@pytest.mark.parametrize(
    "query",
    [
        '{ "900-12-3456" }',
        "{ 900123456 }",
        '{ viewer(x: """900123456 """ ) { role } ! }',
        "{ _900123456 ( }",
    ],
)
async def test_syntax_errors_name_the_token_kind_not_its_value(context: Context, query: str):
    (error,) = await _errors(context, query)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["message"].startswith("Syntax Error:")
    assert "900123456" not in error["message"].replace("-", "")
    assert error["locations"]


def test_labelling_survives_variables_that_are_not_an_object():
    # given variables a transport let through as a list (not an object)
    context = _context("query($s: String) { viewer { role } }", {})
    context.variables = [SSN]  # type: ignore[assignment]
    error = GraphQLError("Variable '$s' has invalid value: boom")
    # when labelled, then it is labelled (not raised), and names no value
    label_errors([error], context)
    assert error.extensions == {"code": "BAD_USER_INPUT"}
    assert SSN not in error.message
