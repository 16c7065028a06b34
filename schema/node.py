"""`node(id:)`: any object with a global id."""

from __future__ import annotations

import strawberry

from resolvers import nodes as resolve
from resolvers.context import Context
from schema.relay import Node


@strawberry.type
class NodeQuery:
    @strawberry.field(graphql_type=Node | None, description="Any object by its global id.")
    async def node(
        self, info: strawberry.Info[Context, None], id: strawberry.ID
    ) -> resolve.NodeView | None:
        return await resolve.resolve_node(info, id)
