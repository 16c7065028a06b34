"""Applying policy to the schema: one field extension on every protected field.

`policy.fields` says which fields and objects are protected; `apply_guards` puts a
`Guard` on each of those fields before the schema is built. A guard decides from the
parent object's facts (synchronously, from the decision cache), refuses, masks or
filters, and records what the audit trail must hold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from policy.fields import FIELD_RULES, ITEM_FIELDS, ITEM_RULES, FieldRule, ItemRule
from policy.refusals import message_of
from policy.vocabulary import Action, Classification, Outcome
from resolvers.context import Context
from resolvers.errors import Refused


def _facts(obj: object) -> object:
    return getattr(obj, "facts", None)


def _record_id(facts: object) -> str | None:
    return getattr(facts, "record_id", None)


class Guard(FieldExtension):
    """Decide one field: before resolving (refuse or mask) and after (leave items out)."""

    def __init__(self, coordinate: str, rules: tuple[FieldRule, ...], items: bool) -> None:
        self.coordinate = coordinate
        self.rules = rules
        self.items = items

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        masks = self._before(source, info, kwargs)
        return self._after(next_(source, info, **kwargs), source, info, masks)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        masks = self._before(source, info, kwargs)
        return self._after(await next_(source, info, **kwargs), source, info, masks)

    def _before(self, source: Any, info: Any, kwargs: dict[str, Any]) -> list[FieldRule]:
        context: Context = info.context
        viewer, facts = context.viewer, _facts(source)
        masks = []
        for rule in self.rules:
            if rule.when_argument and kwargs.get(rule.when_argument) is None:
                continue
            if not rule.applies(facts):
                continue
            decision = context.decider.decide(
                viewer.role, viewer.fti, rule.relation(facts, viewer), rule.resource, Action.READ
            )
            # a search is audited as what it searches (never with the value searched for)
            resource = rule.resource if rule.when_argument else None
            if decision.outcome in (Outcome.DENY, Outcome.OMIT):
                self._audit(info, "deny", facts, "denied", resource=resource)
                raise _refusal(decision.code)
            if decision.outcome is Outcome.MASK:
                masks.append(rule)
            elif rule.classification is not Classification.NONE:
                self._audit(info, "read", facts, "allowed", resource=resource)
        return masks

    def _after(self, value: Any, source: Any, info: Any, masks: list[FieldRule]) -> Any:
        for rule in masks:
            value = rule.mask(value) if rule.mask else None
        if not self.items or value is None:
            return value
        if isinstance(value, list):
            return [item for item in value if self._keep(item, info, in_list=True)]
        edges = getattr(value, "edges", None)
        if isinstance(edges, list):
            value.edges = [e for e in edges if self._keep(e.node, info, in_list=True)]
            return value
        self._keep(value, info, in_list=False)
        return value

    def _keep(self, item: Any, info: Any, *, in_list: bool) -> bool:
        rule = ITEM_RULES.get(type(item).__name__)
        facts = _facts(item)
        if rule is None or not rule.applies(facts):
            return True
        context: Context = info.context
        viewer = context.viewer
        decision = context.decider.decide(
            viewer.role, viewer.fti, rule.relation(facts, viewer), rule.resource, Action.READ
        )
        if decision.outcome is Outcome.ALLOW:
            if rule.classification is not Classification.NONE:
                self._audit(info, "read", facts, "allowed", resource=rule.resource)
            return True
        self._audit(info, "deny", facts, "omitted" if in_list else "denied", resource=rule.resource)
        if in_list and decision.outcome is Outcome.OMIT:
            return False
        raise _refusal(decision.code)

    def _audit(
        self,
        info: Any,
        action: Any,
        facts: object,
        outcome: Any,
        resource: str | None = None,
    ) -> None:
        context: Context = info.context
        context.audit.record(
            operation=_operation_name(info),
            action=action,
            resource=resource or self.coordinate,
            record_id=_record_id(facts),
            outcome=outcome,
        )


def _operation_name(info: Any) -> str | None:
    name = info.operation.name if info.operation is not None else None
    return name.value if name is not None else None


def _refusal(code: str | None) -> Refused:
    code = code or "FORBIDDEN"
    return Refused(code, message_of(code))


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


__all__ = ["Guard", "ItemRule", "apply_guards"]
