"""Running a `Plan`: level by level, through the schema's own resolvers, into plain data.

Every field of every object at one depth is started before any is awaited, and the
awaitables of a level are gathered at once, so each loader receives the whole level's
keys in one batch (one statement per level, as the standard path). Fields resolve with
the resolver the schema built for them (strawberry's argument conversion and field
extensions, the guard among them), leaves serialise with their GraphQL type, errors are
located as graphql-core locates them. What cannot be answered exactly the standard
path's way raises `Declined`, before anything is sent or written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_abstract_type,
    is_leaf_type,
    located_error,
)
from graphql.execution.collect_fields import (
    CollectedFields,
    FieldDetailsList,
    collect_fields,
    collect_subfields,
)
from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values
from graphql.pyutils import Undefined
from strawberry.execution import optimized_is_awaitable

from plans.compiled import Plan
from plans.field_kinds import GENERIC, FieldKind
from policy.refusals import HubError

Path = tuple[str | int, ...]
Container = dict[str, Any] | list[Any]


class Declined(Exception):
    """The plan cannot answer this request as the standard path would; it answers instead."""


@dataclass(frozen=True, slots=True)
class _Step:
    """One response key of one object type: its field, nodes and resolver."""

    key: str
    name: str
    details: FieldDetailsList
    definition: GraphQLField | None  # None: __typename
    parent: GraphQLObjectType
    shape: _Shape | None = None
    kind: FieldKind = GENERIC

    @property
    def nodes(self) -> list[Any]:
        return [detail.node for detail in self.details]


@dataclass(frozen=True, slots=True)
class Answer:
    """What a plan answered: data and the located errors of its fields."""

    data: dict[str, Any] | None
    errors: list[GraphQLError]


_Pending = tuple[Awaitable[Any], "_Step", "_Item"]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What completing a value of one GraphQL output type takes, worked out once."""

    nullable: bool
    leaf: Callable[[Any], Any] | None = None
    item: _Shape | None = None
    object: GraphQLObjectType | None = None
    abstract: GraphQLAbstractType | None = None


def _shape_of(kind: GraphQLOutputType) -> _Shape:
    nullable = not isinstance(kind, GraphQLNonNull)
    named = kind if nullable else kind.of_type  # type: ignore[union-attr]
    if isinstance(named, GraphQLList):
        return _Shape(nullable, item=_shape_of(named.of_type))
    if is_leaf_type(named):
        return _Shape(nullable, leaf=named.coerce_output_value)
    if isinstance(named, GraphQLObjectType):
        return _Shape(nullable, object=named)
    if is_abstract_type(named):
        return _Shape(nullable, abstract=named)
    raise Declined("output type")


@dataclass(slots=True)
class _Item:
    source: Any
    runtime: GraphQLObjectType
    details: FieldDetailsList
    out: dict[str, Any]
    path: Path
    root: bool = False
    """`out` is `data` itself."""


@dataclass(slots=True)
class _Batched:
    """One field of a whole level, resolved in one call; `rows` are the parents it asked for."""

    awaitable: Awaitable[Any]
    step: _Step
    kind: FieldKind
    rows: list[tuple[_Item, list[Any]]]


def _grouped(items: list[_Item]) -> dict[tuple[GraphQLObjectType, int], list[_Item]]:
    """A level's objects by runtime type and selection, in order: each group shares steps."""
    groups: dict[tuple[GraphQLObjectType, int], list[_Item]] = {}
    for item in items:
        groups.setdefault((item.runtime, id(item.details)), []).append(item)
    return groups


class _Run:
    """One request's execution of a plan."""

    def __init__(self, plan: Plan, executor: Executor[Any]) -> None:
        self.plan = plan
        self.executor = executor
        self.errors: list[GraphQLError] = []
        self.data_nulled = False
        self.root_fields = 0
        self.accepted: dict[tuple[str, type], bool] = {}
        self.infos: dict[int, GraphQLResolveInfo[Any]] = {}
        self.arguments: dict[int, dict[str, Any]] = {}
        self.steps: dict[tuple[str, int], list[_Step]] = (
            plan.steps if plan.static_directives else {}
        )

    # -- collection --------------------------------------------------------------------

    def _collected(self, runtime: GraphQLObjectType, details: FieldDetailsList) -> CollectedFields:
        executor = self.executor
        if not self.plan.static_directives:
            return executor.collect_subfields(runtime, details)
        memo = self.plan.fields
        key = (runtime.name, (id(details),))
        cached = memo.get(key)
        if cached is None:
            collected = collect_subfields(
                executor.schema,
                executor.fragments,
                executor.variable_values,
                executor.operation,
                runtime,
                details,
            )
            memo[key] = cached = (details, collected)
        return cached[1]  # type: ignore[index,no-any-return]

    def steps_of(self, runtime: GraphQLObjectType, details: FieldDetailsList) -> list[_Step]:
        key = (runtime.name, id(details))
        steps = self.steps.get(key)
        if steps is None:
            collected = self._collected(runtime, details)
            if collected.new_defer_usages:
                raise Declined("@defer")
            steps = self.steps[key] = self._steps(runtime, collected)
        return steps

    def root_steps(self) -> list[_Step]:
        executor = self.executor
        root = executor.schema.query_type
        assert root is not None  # the hub's schema has a query type
        memo = self.plan.fields
        key = (root.name, ())
        cached = memo.get(key) if self.plan.static_directives else None
        if cached is None:
            collected = collect_fields(
                executor.schema,
                executor.fragments,
                executor.variable_values,
                root,
                executor.operation,
            )
            cached = (None, collected)
            if self.plan.static_directives:
                memo[key] = cached
        collected = cached[1]  # type: ignore[index]
        if collected.new_defer_usages:
            raise Declined("@defer")
        steps = self.steps.get((root.name, 0))
        if steps is None:
            steps = self.steps[(root.name, 0)] = self._steps(root, collected)
        return steps

    def _steps(self, runtime: GraphQLObjectType, collected: CollectedFields) -> list[_Step]:
        steps = []
        kinds = self.plan.kinds
        for key, details in collected.grouped_field_set.items():
            name = details[0].node.name.value
            if name == "__typename":
                steps.append(_Step(key, name, details, None, runtime))
                continue
            definition = runtime.fields.get(name)
            if definition is None:
                raise Declined("unknown field")
            shape = _shape_of(definition.type)
            kind = kinds.of(runtime.name, name)
            steps.append(_Step(key, name, details, definition, runtime, shape, kind))
        return steps

    # -- resolution --------------------------------------------------------------------

    def info(self, step: _Step) -> GraphQLResolveInfo[Any]:
        info = self.infos.get(id(step))
        if info is None:
            assert step.definition is not None
            info = self.executor.build_resolve_info(
                step.definition,
                step.nodes,
                step.parent,
                None,  # type: ignore[arg-type]  # no resolver of the hub reads the path
            )
            self.infos[id(step)] = info
        return info

    def args(self, step: _Step) -> dict[str, Any]:
        values = self.arguments.get(id(step))
        if values is None:
            assert step.definition is not None
            detail = step.details[0]
            values = get_argument_values(
                step.definition,
                detail.node,
                self.executor.variable_values,
                detail.fragment_variable_values,
            )
            self.arguments[id(step)] = values
        return values

    def field_error(self, error: Exception, step: _Step, item: _Item) -> None:
        """Record a field's error as graphql-core does; a lone root field's null nulls `data`.

        Once `data` is nulled, no later error is reported (graphql-core's
        `CollectedErrors`): nothing of the answer is left for it to be about.
        """
        if not isinstance(error, HubError):
            raise Declined(type(error).__name__) from None  # the standard path masks it
        path = (*item.path, step.key)
        if self.data_nulled:
            return
        self.errors.append(located_error(error, step.nodes, list(path)))
        assert step.definition is not None
        if not isinstance(step.definition.type, GraphQLNonNull):
            return
        # graphql-core stops the siblings of a field whose null takes its parent with it,
        # and which of them had run (and been audited) depends on its scheduling: a plan
        # answers only the case without siblings, a lone root field nulling `data`
        if not item.root or self.root_fields != 1:
            raise Declined("null carried past a field with siblings")
        self.data_nulled = True

    async def level(self, items: list[_Item]) -> None:
        while items:
            following: list[_Item] = []
            pending: list[_Pending] = []
            batches: list[_Batched] = []
            for group in _grouped(items).values():
                for step in self.steps_of(group[0].runtime, group[0].details):
                    kind = step.kind
                    if kind.batch is not None:
                        batched = self.start_batch(step, kind, group)
                        if batched is not None:
                            batches.append(batched)
                        continue
                    for item in group:
                        self.start(step, item, pending, following)
            if pending or batches:
                await self.settle(pending, following, batches)
            items = following

    def start_batch(self, step: _Step, kind: FieldKind, group: list[_Item]) -> _Batched | None:
        """Ask the guard of each parent, then resolve those it let through in one call."""
        assert kind.batch is not None
        info = self.info(step)
        rows: list[tuple[_Item, list[Any]]] = []
        for item in group:
            item.out[step.key] = None
            masks: list[Any] = []
            if kind.guard is not None:
                try:
                    masks = kind.guard.before(item.source, info, {})
                except Exception as error:
                    self.field_error(error, step, item)
                    continue
            rows.append((item, masks))
        if not rows:
            return None
        return _Batched(kind.batch([item.source for item, _ in rows], info), step, kind, rows)

    def start(
        self, step: _Step, item: _Item, pending: list[_Pending], following: list[_Item]
    ) -> None:
        key, source, out = step.key, item.source, item.out
        definition = step.definition
        if definition is None:
            out[key] = step.parent.name
            return
        out[key] = None  # holds the key's place: the answer keeps the document's order
        kind = step.kind
        try:
            if kind.attribute is not None:
                guard = kind.guard
                if guard is None:
                    value = getattr(source, kind.attribute)
                else:
                    info = self.info(step)
                    masks = guard.before(source, info, {})
                    value = guard.after(getattr(source, kind.attribute), info, masks)
            else:
                resolve: Callable[..., Any] = definition.resolve or self.executor.field_resolver
                value = resolve(source, self.info(step), **self.args(step))
        except Exception as error:
            self.field_error(error, step, item)
            return
        if optimized_is_awaitable(value):
            pending.append((value, step, item))
            return
        shape = step.shape
        assert shape is not None
        leaf = shape.leaf
        if leaf is not None and value is not None:
            out[key] = _coerced(leaf, value)
        else:
            self.complete(step, value, item, following)

    async def settle(
        self,
        pending: list[_Pending],
        following: list[_Item],
        batches: Sequence[_Batched] = (),
    ) -> None:
        awaited = [awaitable for awaitable, *_ in pending] + [b.awaitable for b in batches]
        values = await _gather(awaited)
        for (_, step, item), value in zip(pending, values, strict=False):
            if isinstance(value, BaseException):
                if not isinstance(value, Exception):
                    raise value
                self.field_error(value, step, item)
                continue
            assert step.definition is not None
            self.complete(step, value, item, following)
        for batched, answers in zip(batches, values[len(pending) :], strict=True):
            self.complete_batch(batched, answers, following)

    def complete_batch(self, batched: _Batched, answers: Any, following: list[_Item]) -> None:
        step, guard = batched.step, batched.kind.guard
        if isinstance(answers, BaseException):
            if not isinstance(answers, Exception):
                raise answers
            answers = [answers] * len(batched.rows)
        assert step.definition is not None
        info = self.info(step)
        for (item, masks), value in zip(batched.rows, answers, strict=True):
            try:
                if isinstance(value, Exception):
                    raise value
                if guard is not None:
                    value = guard.after(value, info, masks)
            except Exception as error:
                self.field_error(error, step, item)
                continue
            self.complete(step, value, item, following)

    def complete(self, step: _Step, value: Any, item: _Item, following: list[_Item]) -> None:
        """Complete a field's value into its parent's answer."""
        assert step.shape is not None
        path = (*item.path, step.key)
        self._complete(step, step.shape, value, item.out, step.key, path, following)

    def _complete(
        self,
        step: _Step,
        shape: _Shape,
        value: Any,
        container: Container,
        key: str | int,
        path: Path,
        following: list[_Item],
    ) -> None:
        if value is None:
            if not shape.nullable:
                raise Declined("null in a non-null position")  # the standard path masks it
            container[key] = None  # type: ignore[index]
            return
        if shape.leaf is not None:
            container[key] = _coerced(shape.leaf, value)  # type: ignore[index]
            return
        inner = shape.item
        if inner is not None:
            if not isinstance(value, list | tuple):
                raise Declined("not a list")
            items: list[Any] = [None] * len(value)
            container[key] = items  # type: ignore[index]
            for index, element in enumerate(value):
                self._complete(step, inner, element, items, index, (*path, index), following)
            return
        runtime = self.runtime_type(step, shape, value)
        out: dict[str, Any] = {}
        container[key] = out  # type: ignore[index]
        following.append(_Item(value, runtime, step.details, out, path))

    def runtime_type(self, step: _Step, shape: _Shape, value: Any) -> GraphQLObjectType:
        kind = shape.object
        if kind is None:
            kind = self._resolved_type(step, shape, value)
        if kind.is_type_of is not None:
            # the schema's `is_type_of` (`schema.relay.Node`, strawberry's) asks the value's
            # class alone: asked once per class and type in a request
            accepted = self.accepted.get((kind.name, type(value)))
            if accepted is None:
                answer = kind.is_type_of(value, self.info(step))
                if optimized_is_awaitable(answer):
                    raise Declined("is_type_of")
                accepted = self.accepted[(kind.name, type(value))] = bool(answer)
            if not accepted:
                raise Declined("is_type_of")
        return kind

    def _resolved_type(self, step: _Step, shape: _Shape, value: Any) -> GraphQLObjectType:
        abstract = shape.abstract
        assert abstract is not None
        resolver = abstract.resolve_type or self.executor.type_resolver
        name = resolver(value, self.info(step), abstract)
        if optimized_is_awaitable(name) or not isinstance(name, str):
            raise Declined("type resolution")
        runtime = self.executor.schema.get_type(name)
        if not isinstance(runtime, GraphQLObjectType):
            raise Declined("type resolution")
        if not self.executor.schema.is_sub_type(abstract, runtime):
            raise Declined("type resolution")
        return runtime


def _coerced(coerce: Callable[[Any], Any], value: Any) -> Any:
    """A leaf's output value as graphql-core completes it; a failure is the standard path's."""
    try:
        coerced = coerce(value)
    except Exception as error:
        raise Declined(type(error).__name__) from None
    if coerced is None or coerced is Undefined:
        raise Declined("leaf coercion")
    return coerced


async def _gather(awaitables: list[Awaitable[Any]]) -> list[Any]:
    return await asyncio.gather(*awaitables, return_exceptions=True)


async def run_plan(plan: Plan, context: object, variables: dict[str, Any] | None) -> Answer:
    """Answer one request with `plan`, or raise `Declined` for the standard path to answer."""
    executor = Executor.build(
        plan.schema,
        plan.document,
        None,
        context,
        variables,
        plan.operation_name,
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
    )
    if isinstance(executor, list):
        raise Declined("variables")  # the standard path words the refusal
    run = _Run(plan, executor)
    data: dict[str, Any] = {}
    root = executor.schema.query_type
    assert root is not None
    first: list[_Item] = []
    pending: list[_Pending] = []
    root_item = _Item(None, root, [], data, (), root=True)
    steps = run.root_steps()
    run.root_fields = len(steps)
    for step in steps:
        run.start(step, root_item, pending, first)
    if pending:
        await run.settle(pending, first)
    await run.level(first)
    return Answer(None if run.data_nulled else data, run.errors)


__all__ = ["Answer", "Declined", "run_plan"]
