"""The served schema against the gate's registry: every field is public or has a rule.

A field, root field, mutation or subscription added without a rule (and not declared
public with a reason) fails here, naming it; a mutation needs its write rule and a
subscription its subscription rule even where the root field itself is public.
"""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, extend_schema, parse

from policy.public_fields import PUBLIC_FIELDS
from policy.registry import (
    INPUT_RULES,
    SUBSCRIPTIONS,
    WRITE_RULES,
    ruled_fields,
)
from schema import schema as hub_schema


def _served(schema: GraphQLSchema) -> list[str]:
    """Every field of every object type, the roots (Query, Mutation, Subscription) included."""
    return [
        f"{name}.{field}"
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
        for field in type_.fields
    ]


def undeclared(schema: GraphQLSchema) -> list[str]:
    """The served fields the registry has no rule for and nobody declared public, by name."""
    ruled, missing = ruled_fields(), []
    for coordinate in _served(schema):
        root = coordinate.split(".")[0]
        if root == "Mutation" and coordinate not in WRITE_RULES:
            missing.append(f"{coordinate} (no write rule)")
        elif root == "Subscription" and coordinate not in SUBSCRIPTIONS:
            missing.append(f"{coordinate} (no subscription rule)")
        elif coordinate not in ruled and coordinate not in PUBLIC_FIELDS:
            missing.append(f"{coordinate} (neither public nor ruled)")
    return missing


def test_every_served_field_is_public_or_has_a_rule():
    assert undeclared(hub_schema._schema) == []


def test_every_rule_names_a_served_field():
    # a rule left behind by a removed field is dead policy: it would hide the next mistake
    served = set(_served(hub_schema._schema))
    assert sorted(ruled_fields() - served) == []
    assert set(PUBLIC_FIELDS) <= served
    inputs = {
        f"{name}.{field}"
        for name, type_ in hub_schema._schema.type_map.items()
        if isinstance(type_, GraphQLInputObjectType)
        for field in type_.fields
    }
    assert set(INPUT_RULES) <= inputs


def test_a_field_added_without_a_rule_fails_naming_it():
    # given the served schema with one more query field, mutation and subscription
    extended = extend_schema(
        hub_schema._schema,
        parse(
            """
            extend type Query { participantSsns: [String!]! }
            extend type Mutation { eraseParticipant(id: ID!): Boolean! }
            extend type Subscription { auditEvents: String! }
            """
        ),
    )
    # then the check names exactly those, and why
    assert undeclared(extended) == [
        "Query.participantSsns (neither public nor ruled)",
        "Mutation.eraseParticipant (no write rule)",
        "Subscription.auditEvents (no subscription rule)",
    ]


def test_a_field_of_a_new_type_without_a_rule_fails_naming_it():
    extended = extend_schema(
        hub_schema._schema,
        parse(
            """
            type Garnishment { amount: Float! }
            extend type Case { garnishments: [Garnishment!]! }
            """
        ),
    )
    assert sorted(undeclared(extended)) == [
        "Case.garnishments (neither public nor ruled)",
        "Garnishment.amount (neither public nor ruled)",
    ]
