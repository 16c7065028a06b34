"""Every field that can answer a protected object carries a guard."""

from __future__ import annotations

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType

from policy.fields import FIELD_RULES, ITEM_FIELDS, ITEM_RULES
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
            continue  # its generator asks the policy for each event (resolvers/notice_stream.py)
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
