"""resolvers/views.py: each view names a served type and holds every field it serves by name.

The schema reads a type's plain fields from the view by attribute name, and finds item
rules and Node types by the view's `typename`: a view missing an attribute, or naming a
type that is not served, would fail only when a client asks for that field.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from strawberry.types.base import StrawberryObjectDefinition

from policy.registry import ITEM_RULES
from resolvers import views
from schema import schema as hub_schema
from schema.address import AddressSource

VIEWS = [
    cls
    for _, cls in inspect.getmembers(views, inspect.isclass)
    if cls.__module__ == views.__name__ and dataclasses.is_dataclass(cls)
]


def _definition(typename: str) -> StrawberryObjectDefinition:
    found = hub_schema.get_type_by_name(typename)
    assert isinstance(found, StrawberryObjectDefinition), typename
    return found


def test_the_views_are_found():
    assert len(VIEWS) >= 20


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.__name__)
def test_a_view_names_a_served_type_and_has_each_of_its_plain_fields(view: type):
    definition = _definition(view.typename)  # type: ignore[attr-defined]
    attributes = {field.name for field in dataclasses.fields(view)}
    plain = {f.python_name for f in definition.fields if f.base_resolver is None}
    assert plain <= attributes, sorted(plain - attributes)


def test_every_type_with_an_item_rule_has_a_view_with_facts():
    by_name = {view.typename: view for view in VIEWS}  # type: ignore[attr-defined]
    for typename in ITEM_RULES:
        assert typename in by_name, typename
        assert "facts" in {field.name for field in dataclasses.fields(by_name[typename])}


def test_views_are_frozen_values():
    # the guard replaces a connection's edges, so ConnectionView (resolvers.paging) is not one
    for view in VIEWS:
        assert view.__dataclass_params__.frozen, view.__name__  # type: ignore[attr-defined]


def test_the_address_sources_a_view_keeps_are_the_contracts():
    assert {source.value for source in AddressSource} == views.ADDRESS_SOURCES
