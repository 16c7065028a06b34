"""Relay plumbing: the Node interface, connections, edges and page info.

Resolvers answer with views (`resolvers.views`, `resolvers.paging.ConnectionView`), not
instances of these types: a Node type accepts the view that names it (`typename`).
"""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLResolveInfo

T = TypeVar("T")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID

    @classmethod
    def is_type_of(cls, obj: object, _info: GraphQLResolveInfo[object]) -> bool:
        """Whether `obj` is served as this type: an instance, or a view naming it."""
        return isinstance(obj, cls) or getattr(type(obj), "typename", None) == cls.__name__


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
