"""Relay plumbing: the Node interface, connections, edges and page info."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import strawberry

from datasources.pages import Page
from resolvers.ids import encode_cursor

R = TypeVar("R")
T = TypeVar("T")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def build_connection(page: Page[R], list_name: str, nodes: Sequence[T]) -> Connection[T]:
    """A connection of `page` (its items made into `nodes`), with cursors only `list_name` takes."""
    edges = [
        Edge(node=node, cursor=encode_cursor(list_name, key))
        for node, key in zip(nodes, page.keys, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=page.total,
    )
