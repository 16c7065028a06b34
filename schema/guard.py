"""Applying policy to the schema: one field extension on every protected field.

`policy.registry` says which fields and objects are protected; `apply_guards` puts a
`Guard` on each of those fields before the schema is built. A guard decides nothing
itself: it hands the gate (`policy.gate.Gate`) the rule, the parent object's facts and
where to record the event; the gate decides (synchronously, from the decision cache),
audits and refuses, and the guard masks or leaves out what the gate said.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from policy.gate import Trail
from policy.registry import FIELD_RULES, ITEM_FIELDS, ITEM_RULES, FieldRule
from policy.vocabulary import Outcome
from resolvers.context import Context


def _facts(obj: object) -> object:
    return getattr(obj, "facts", None)


def _record_id(facts: object) -> str | None:
    return getattr(facts, "record_id", None)


class Guard(FieldExtension):
    """Ask the gate of one field: before resolving (refuse or mask), after (leave items out)."""

    def __init__(self, coordinate: str, rules: tuple[FieldRule, ...], items: bool) -> None:
        self.coordinate = coordinate
        self.rules = rules
        self.items = items

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        masks = self.before(source, info, kwargs)
        return self.after(next_(source, info, **kwargs), info, masks)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        masks = self.before(source, info, kwargs)
        return self.after(await next_(source, info, **kwargs), info, masks)

    def before(self, source: Any, info: Any, kwargs: dict[str, Any]) -> list[FieldRule]:
        context: Context = info.context
        facts = _facts(source)
        masks = []
        for rule in self.rules:
            if rule.when_argument and kwargs.get(rule.when_argument) is None:
                continue
            if not rule.applies(facts):
                continue
            # a search is audited as what it searches (never with the value searched for)
            resource = rule.resource if rule.when_argument else self.coordinate
            trail = Trail(context.audit, _operation_name(info), resource, _record_id(facts))
            decision = context.gate.read_field(context.viewer, rule, facts, trail)
            if decision.outcome is Outcome.MASK:
                masks.append(rule)
        return masks

    def after(self, value: Any, info: Any, masks: list[FieldRule]) -> Any:
        for rule in masks:
            value = rule.mask(value) if rule.mask else None
        if not self.items or value is None:
            return value
        if isinstance(value, list):
            return [item for item in value if _keep(item, info, in_list=True)]
        edges = getattr(value, "edges", None)
        if isinstance(edges, list):
            value.edges = [e for e in edges if _keep(e.node, info, in_list=True)]
            return value
        _keep(value, info, in_list=False)
        return value


def _typename(item: object) -> str:
    """The GraphQL type an object is served as (a view says so; else its class name)."""
    name = getattr(type(item), "typename", None)
    return name if isinstance(name, str) else type(item).__name__


def _keep(item: Any, info: Any, *, in_list: bool) -> bool:
    """Whether the gate keeps this object (item rules are keyed by GraphQL type name)."""
    rule = ITEM_RULES.get(_typename(item))
    facts = _facts(item)
    if rule is None or not rule.applies(facts):
        return True
    context: Context = info.context
    trail = Trail(context.audit, _operation_name(info), rule.resource, _record_id(facts))
    return context.gate.read_item(context.viewer, rule, facts, trail, in_list=in_list)


def _operation_name(info: Any) -> str | None:
    name = info.operation.name if info.operation is not None else None
    return name.value if name is not None else None


def _graphql_name(field: StrawberryField) -> str:
    return field.graphql_name or to_camel_case(field.python_name)


def apply_guards(types: Iterable[type]) -> set[str]:
    """Put a Guard on every protected field of `types`; answer the coordinates guarded."""
    guarded: set[str] = set()
    for cls in types:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        for field in definition.fields:
            coordinate = f"{definition.name}.{_graphql_name(field)}"
            rules = FIELD_RULES.get(coordinate, ())
            items = coordinate in ITEM_FIELDS
            if rules or items:
                field.extensions.append(Guard(coordinate, rules, items))
                guarded.add(coordinate)
    return guarded


__all__ = ["Guard", "apply_guards"]
