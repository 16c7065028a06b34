"""A plan's execution on a small schema: what it answers, and every case it declines."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

import pytest
import strawberry

from plans.compiled import compile_plan
from plans.execution import Declined, run_plan
from plans.field_kinds import FieldKinds
from resolvers.errors import NotFound


@strawberry.enum
class Colour(Enum):
    RED = "RED"


@strawberry.interface
class Thing:
    name: str


@strawberry.type
class Box(Thing):
    size: int

    @strawberry.field
    async def partner(self) -> Box | None:
        return (await _partners([self], None))[0]  # type: ignore[return-value]


PARTNERS: list[object] = []
"""What the batch of `Box.partner` answers for each parent, in order (set by a test)."""


async def _partners(roots: Sequence[Any], info: Any) -> list[object]:
    answer = PARTNERS[: len(roots)]
    if isinstance(answer[0], type) and issubclass(answer[0], Exception):
        raise answer[0]("every partner")
    return answer


@strawberry.type
class Query:
    @strawberry.field
    def box(self) -> Box:
        return Box(name="b", size=3)

    @strawberry.field
    def thing(self) -> Thing:
        return Box(name="t", size=1)

    @strawberry.field
    def things(self) -> list[Thing]:
        return [Box(name="a", size=1), Box(name="b", size=2)]

    @strawberry.field
    async def maybe(self) -> str | None:
        raise NotFound("not here")

    @strawberry.field
    async def must(self) -> str:
        raise NotFound("not here")

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("a bug")

    @strawberry.field
    async def broken_later(self) -> str | None:
        raise RuntimeError("a bug")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]

    @strawberry.field
    def not_a_list(self) -> list[int] | None:
        return 5  # type: ignore[return-value]

    @strawberry.field
    def colour(self) -> Colour | None:
        return "PURPLE"  # type: ignore[return-value]

    @strawberry.field
    def stranger(self) -> Box | None:
        return "not a box"  # type: ignore[return-value]

    @strawberry.field
    def echo(self, text: str) -> str:
        return text


SCHEMA = strawberry.Schema(query=Query, types=[Box])
KINDS = FieldKinds(SCHEMA)


@pytest.fixture
def batched(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """`Box.partner` answered for a whole level by `_partners` (as resolvers/batches.py does)."""
    monkeypatch.setattr("plans.field_kinds.BATCHES", {"Box.partner": _partners})
    monkeypatch.setattr("tests.plans.test_execution.KINDS", FieldKinds(SCHEMA))
    PARTNERS.clear()
    return PARTNERS


async def _run(query: str, variables: dict[str, Any] | None = None) -> Any:
    plan = compile_plan(KINDS, query, None)
    assert plan is not None
    return await run_plan(plan, None, variables)


async def test_objects_interfaces_lists_and_typenames_answer_as_graphql_core_does():
    query = "{ box { name size __typename } thing { name ... on Box { size } } things { name } }"
    answer = await _run(query)
    expected = await SCHEMA.execute(query)
    assert answer.data == expected.data
    assert answer.errors == []


async def test_a_nullable_field_refused_is_a_located_error_and_a_null():
    answer = await _run("{ maybe box { size } }")
    assert answer.data == {"maybe": None, "box": {"size": 3}}
    assert [(e.message, e.path) for e in answer.errors] == [("not here", ["maybe"])]


async def test_a_lone_non_null_root_refused_nulls_data():
    answer = await _run("{ must }")
    assert answer.data is None
    assert [e.path for e in answer.errors] == [["must"]]


async def test_variables_and_arguments_are_coerced_as_graphql_core_does():
    answer = await _run("query Q($t: String!) { echo(text: $t) }", {"t": "hello"})
    assert answer.data == {"echo": "hello"}
    with pytest.raises(Declined):
        await _run("query Q($t: String!) { echo(text: $t) }", {"t": 5})


async def test_conditions_on_variables_are_evaluated_per_request():
    query = "query Q($s: Boolean!) { box { name size @skip(if: $s) } }"
    assert (await _run(query, {"s": True})).data == {"box": {"name": "b"}}
    assert (await _run(query, {"s": False})).data == {"box": {"name": "b", "size": 3}}


@pytest.mark.parametrize(
    "query",
    [
        "{ must box { size } }",  # a null that would cross a sibling
        "{ broken }",  # not the hub's own error: the standard path masks and logs it
        "{ brokenLater }",
        "{ missing }",  # null in a non-null position
        "{ notAList }",
        "{ colour }",  # a leaf that does not coerce
        "{ stranger { size } }",  # not an object of its type
    ],
)
async def test_what_the_standard_path_would_word_differently_is_declined(query: str):
    with pytest.raises(Declined):
        await _run(query)


async def test_a_batch_answers_each_parent_and_its_errors_are_theirs(batched: list[object]):
    batched.extend([NotFound("gone"), Box(name="p", size=9)])
    answer = await _run("{ things { name ... on Box { partner { size } } } }")
    assert answer.data == {
        "things": [{"name": "a", "partner": None}, {"name": "b", "partner": {"size": 9}}]
    }
    assert [(e.message, e.path) for e in answer.errors] == [("gone", ["things", 0, "partner"])]


async def test_a_batch_that_fails_fails_every_parent(batched: list[object]):
    batched.extend([NotFound, NotFound])
    answer = await _run("{ things { ... on Box { partner { size } } } }")
    assert answer.data == {"things": [{"partner": None}, {"partner": None}]}
    assert [e.path for e in answer.errors] == [["things", 0, "partner"], ["things", 1, "partner"]]


async def test_a_batch_that_breaks_is_declined(batched: list[object]):
    batched.extend([RuntimeError, RuntimeError])
    with pytest.raises(Declined):
        await _run("{ things { ... on Box { partner { size } } } }")
