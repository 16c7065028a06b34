"""Every field that can answer a protected object carries a guard."""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
)

from policy.public_fields import PUBLIC_FIELDS
from policy.registry import (
    DECIDED_BY_RESOLVER,
    FIELD_RULES,
    ITEM_FIELDS,
    ITEM_RULES,
    PERSON_DATA,
    FieldRule,
    ItemRule,
    always,
)
from policy.vocabulary import Resource
from schema import GUARDED
from schema import schema as hub_schema

# Objects whose protection depends on their own facts only where those facts exist:
# an Address is FTI only as a participant's locate address reported by the IRS.
FACT_BOUND = {"Address": {"Participant.addresses"}}


def _named(type_: GraphQLOutputType) -> GraphQLOutputType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _node_type(type_: GraphQLOutputType) -> str | None:
    named = _named(type_)
    if not isinstance(named, GraphQLObjectType):
        return getattr(named, "name", None)
    if named.name.endswith("Connection") and "edges" in named.fields:
        edge = _named(named.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        return getattr(_named(edge.fields["node"].type), "name", None)
    return named.name


def test_every_field_answering_a_protected_object_is_guarded():
    # given every field of the served schema
    missing = []
    for type_name, graphql_type in hub_schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        if type_name.endswith("Edge"):
            continue  # the connection field that answers the edges filters them
        if type_name == "Subscription":
            continue  # each result passes the gate as a subscription item (SUBSCRIPTIONS)
        for field_name, field in graphql_type.fields.items():
            coordinate = f"{type_name}.{field_name}"
            answers = _node_type(field.type)
            if answers in FACT_BOUND and coordinate not in FACT_BOUND[answers]:
                continue
            # then one answering a protected object is an item field, and guarded
            if answers in ITEM_RULES or answers == "Node":
                if coordinate not in ITEM_FIELDS or coordinate not in GUARDED:
                    missing.append(coordinate)
    assert missing == []


def test_every_rule_names_a_served_field():
    served = {
        f"{name}.{field}"
        for name, type_ in hub_schema._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType)
        for field in type_.fields
    }
    assert set(FIELD_RULES) <= served
    assert set(ITEM_FIELDS) <= served
    assert set(FIELD_RULES) | set(ITEM_FIELDS) == GUARDED


# ---- person data: every field is classified, and every person-data field has its rule

ROOTS = ("Query", "Mutation", "Subscription")
FieldRules = Mapping[str, tuple[FieldRule, ...]]


def _object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: type_
        for name, type_ in hub_schema._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
    }


def _concrete(type_: GraphQLOutputType) -> list[str]:
    named = _named(type_)
    if isinstance(named, GraphQLObjectType):
        return [named.name]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return [t.name for t in hub_schema._schema.get_possible_types(named)]
    return []


def _unconditional(rule: FieldRule | ItemRule) -> bool:
    return rule.applies is always and getattr(rule, "when_argument", None) is None


def _field_guards(coordinate: str, field_rules: FieldRules) -> set[Resource]:
    guards = {r.resource for r in field_rules.get(coordinate, ()) if _unconditional(r)}
    return guards | set(DECIDED_BY_RESOLVER.get(coordinate, ()))


def _item_guarded(coordinate: str, type_name: str, resource: Resource) -> bool:
    """Whether the item field `coordinate` lets an object of `type_name` pass only by `resource`."""
    rule = ITEM_RULES.get(type_name)
    return (
        coordinate in ITEM_FIELDS
        and rule is not None
        and _unconditional(rule)
        and rule.resource is resource
    )


def _node_types(field: GraphQLField) -> list[str]:
    """What a field answers: through a connection, its nodes' types."""
    named = _named(field.type)
    if isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
        edge = _named(named.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        return _concrete(edge.fields["node"].type)
    return _concrete(field.type)


def _reachable_without(resource: Resource, field_rules: FieldRules) -> set[str]:
    """The object types a query reaches without passing a guard of `resource`."""
    types = _object_types()
    seen: set[str] = set()
    todo = [root for root in ROOTS if root in types]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for field_name, field in types[name].fields.items():
            coordinate = f"{name}.{field_name}"
            if resource in _field_guards(coordinate, field_rules):
                continue
            nodes = _node_types(field)
            if nodes and all(_item_guarded(coordinate, node, resource) for node in nodes):
                continue
            passing = [n for n in nodes if not _item_guarded(coordinate, n, resource)]
            todo += passing + [t for t in _concrete(field.type) if t not in nodes]
    return seen


def _unprotected(field_rules: FieldRules) -> list[str]:
    """Person-data fields that a query reaches without their resource's rule deciding."""
    types = _object_types()
    reachable: dict[Resource, set[str]] = {}
    missing = []
    for coordinate, resource in PERSON_DATA.items():
        type_name, field_name = coordinate.split(".")
        if resource in _field_guards(coordinate, field_rules):
            continue
        nodes = _node_types(types[type_name].fields[field_name])
        if nodes and all(_item_guarded(coordinate, node, resource) for node in nodes):
            continue
        if resource not in reachable:
            reachable[resource] = _reachable_without(resource, field_rules)
        if type_name in reachable[resource]:
            missing.append(f"{coordinate} (needs a {resource} rule)")
    return missing


def test_every_served_field_is_classified_as_person_data_or_public():
    # given every field of the served schema
    served = [
        f"{name}.{field}" for name, type_ in _object_types().items() for field in type_.fields
    ]
    classified = (set(PERSON_DATA) | set(PUBLIC_FIELDS) | set(FIELD_RULES) | ITEM_FIELDS) | set(
        DECIDED_BY_RESOLVER
    )
    # then each is person data (with its rule) or declared public (with a reason)
    assert [coordinate for coordinate in served if coordinate not in classified] == []
    assert set(PERSON_DATA) & set(PUBLIC_FIELDS) == set()
    assert set(PERSON_DATA) | set(PUBLIC_FIELDS) | set(DECIDED_BY_RESOLVER) <= set(served)
    assert all(reason.strip() for reason in PUBLIC_FIELDS.values())


def test_every_person_data_field_is_decided_by_its_rule_on_every_path():
    assert _unprotected(FIELD_RULES) == []


def test_a_person_data_field_without_its_rule_fails_naming_it():
    # given the rules without the locate rule of a termination notice's address
    rules = {c: r for c, r in FIELD_RULES.items() if c != "TerminationNotice.lastKnownAddress"}
    # then the check names that field (the notice's own rule does not cover locate data)
    assert _unprotected(rules) == [
        "TerminationNotice.lastKnownAddress (needs a Participant.locate rule)"
    ]


def test_a_field_rule_removed_from_above_a_type_exposes_its_fields():
    # given the rules without the QUICK rule on Case.financials
    rules = {c: r for c, r in FIELD_RULES.items() if c != "Case.financials"}
    # then the financials and payments reached through it are named
    missing = _unprotected(rules)
    assert "Case.financials (needs a Case.quick rule)" in missing
    assert "CaseFinancials.arrears (needs a Case.quick rule)" in missing
    assert "Payment.amount (needs a Case.quick rule)" in missing
