"""Who is asking: the verified claims of the request's token."""

from __future__ import annotations

import strawberry

from resolvers.context import Context


@strawberry.type
class Viewer:
    subject: str
    role: str
    jurisdiction: str | None
    fein: str | None
    fti_cleared: bool


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The claims of the token this request carries.")
    def viewer(self, info: strawberry.Info[Context, None]) -> Viewer:
        claims = info.context.viewer
        return Viewer(
            subject=claims.subject,
            role=claims.role,
            jurisdiction=claims.jurisdiction,
            fein=claims.fein,
            fti_cleared=claims.fti,
        )
