"""Who is asking: the verified claims of the request's token."""

from __future__ import annotations

import strawberry

from resolvers.context import Context


@strawberry.type(name="Viewer")
class ViewerType:
    """The GraphQL `Viewer`: what the hub serves of `policy.tokens.Viewer`, the verified claims."""

    subject: str
    role: str
    jurisdiction: str | None
    fein: str | None
    fti_cleared: bool


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The claims of the token this request carries.")
    def viewer(self, info: strawberry.Info[Context, None]) -> ViewerType:
        claims = info.context.viewer
        return ViewerType(
            subject=claims.subject,
            role=claims.role,
            jurisdiction=claims.jurisdiction,
            fein=claims.fein,
            fti_cleared=claims.fti,
        )
