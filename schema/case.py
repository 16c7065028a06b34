"""Cases: finding them. The `Case` type lives in `schema.case_graph`."""

from __future__ import annotations

import strawberry

from resolvers import cases as resolve
from resolvers.context import Context
from resolvers.paging import ConnectionView
from resolvers.views import CaseView
from schema.case_graph import Case, CaseStatus
from schema.relay import Connection

Info = strawberry.Info[Context, None]


@strawberry.type
class CaseQuery:
    @strawberry.field(name="case", graphql_type=Case | None, description="One case by id.")
    async def case_by_id(self, info: Info, id: strawberry.ID) -> CaseView | None:
        return await resolve.resolve_case(info, id)

    @strawberry.field(
        graphql_type=Connection[Case],
        description="Cases matching every given filter, in id order.",
    )
    async def cases(
        self,
        info: Info,
        state: str | None = None,
        participant_id: strawberry.ID | None = None,
        status: CaseStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[CaseView]:
        return await resolve.resolve_cases(
            info,
            state=state,
            participant_id=participant_id,
            status=status.value if status else None,
            first=first,
            after=after,
        )
