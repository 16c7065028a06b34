"""The served schema against the committed SDL and against the shared contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)
from graphql.utilities import get_introspection_query

from schema import schema as hub_schema

REPO = Path(__file__).resolve().parents[2]
COMMITTED_SDL = REPO / "schema.graphql"
CONTRACT_SDL = REPO.parent / "shared" / "contract" / "schema.graphql"


def test_schema_sdl_matches_committed_file():
    # given the SDL the hub serves
    served = hub_schema.as_str().strip()
    # then it is the one committed (regenerate with `hub schema > schema.graphql`)
    assert COMMITTED_SDL.read_text().strip() == served, (
        "schema.graphql is stale: run `.venv/bin/hub schema > schema.graphql`"
    )


def test_schema_holds_the_contract():
    if not CONTRACT_SDL.exists():
        # ../shared sits beside the team's checkouts and CI's, not beside a user's clone
        pytest.skip(f"contract check did not run: {CONTRACT_SDL} is not beside this checkout")
    # given the whole contract
    contract = build_schema(CONTRACT_SDL.read_text())
    served = hub_schema._schema
    # when graphql-core compares them
    breaking = find_breaking_changes(contract, served)
    dangerous = [
        change
        for change in find_dangerous_changes(contract, served)
        if change.type.name == "ARG_DEFAULT_VALUE_CHANGE"
    ]
    # then the hub breaks nothing and keeps every default
    assert [c.description for c in breaking] == []
    assert [c.description for c in dangerous] == []


def test_introspection_query_is_valid_against_served_schema():
    from graphql import parse, validate

    assert validate(hub_schema._schema, parse(get_introspection_query())) == []
