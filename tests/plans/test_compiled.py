"""What a plan is compiled for, what it declines, and the order of an answer's errors."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from plans.answer_order import in_answer_order
from plans.cache import PlanCache
from plans.compiled import compile_plan
from plans.field_kinds import FieldKinds
from schema import schema

KINDS = FieldKinds(schema)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("{ viewer { subject } }", None),
        ("query A { viewer { subject } } query B { viewer { role } }", "B"),
        ("query Q($s: Boolean!) { viewer { subject @skip(if: $s) } }", None),
    ],
)
def test_queries_compile(query: str, name: str | None):
    plan = compile_plan(KINDS, query, name)
    assert plan is not None
    assert plan.operation_name == name


def test_a_condition_on_a_variable_is_collected_per_request():
    static = compile_plan(KINDS, "{ viewer { subject @include(if: true) } }", None)
    variable = compile_plan(
        KINDS, "query Q($i: Boolean!) { viewer { subject @include(if: $i) } }", None
    )
    assert static is not None
    assert static.static_directives
    assert variable is not None
    assert not variable.static_directives


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("{ __schema { queryType { name } } }", None),
        ('{ __type(name: "Case") { name } }', None),
        ("{ viewer { ... @defer { subject } } }", None),
        ('mutation { releasePassport(input: {id: "x"}) { userErrors { code } } }', None),
        ("subscription { terminationNotices { id } }", None),
        ("query A { viewer { subject } } query B { viewer { role } }", None),
        ("query A { viewer { subject } }", "B"),
        ("{ viewer {", None),
    ],
)
def test_what_plans_do_not_run_is_not_compiled(query: str, name: str | None):
    assert compile_plan(KINDS, query, name) is None


def test_the_cache_compiles_a_key_once_and_keeps_the_newest():
    cache = PlanCache(schema, capacity=2)
    keys = [(f"{{ viewer {{ subject }} }} # {n}", None, "analyst", False) for n in range(3)]
    cache.learn(keys[0])
    cache.learn(keys[0])
    assert cache.stats.compiled == 1
    cache.learn(keys[1])
    assert cache.get(keys[0]) is not None  # used: now the newest
    cache.learn(keys[2])
    assert cache.get(keys[1]) is None  # the least recently used went out
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[2]) is not None
    cache.learn(("{ __schema { types { name } } }", None, "analyst", False))
    assert cache.stats.declined_to_compile == 1


def _error(path: list[str | int] | None) -> GraphQLError:
    return GraphQLError("refused", path=path)


def test_errors_follow_their_place_in_the_answer():
    data = {"b": [{"x": None}, {"x": None, "y": None}], "a": None}
    errors = [
        _error(["a"]),
        _error(["b", 1, "y"]),
        _error(["b", 1, "x"]),
        _error(["b", 0, "x"]),
        _error(None),
        _error(["a", "gone", 3]),  # below a null: after its nulled ancestor's own error
    ]
    ordered = [e.path for e in in_answer_order(errors, data)]
    assert ordered == [None, ["b", 0, "x"], ["b", 1, "x"], ["b", 1, "y"], ["a"], ["a", "gone", 3]]


def test_a_null_answer_keeps_the_errors_order():
    errors = [_error(["z"]), _error(["a"])]
    assert [e.path for e in in_answer_order(errors, None)] == [["z"], ["a"]]
