"""The Intergovernmental Reference Guide: states, tribes, countries and OCSS."""

from __future__ import annotations

from enum import Enum

import strawberry

from resolvers import directory as resolve
from resolvers.context import Context
from resolvers.paging import ConnectionView
from resolvers.views import DirectoryEntryView
from schema.address import Contact
from schema.relay import Connection, Node
from schema.resolved import resolved_by


@strawberry.enum
class JurisdictionKind(Enum):
    STATE = "STATE"
    TRIBE = "TRIBE"
    COUNTRY = "COUNTRY"
    FEDERAL = "FEDERAL"


@strawberry.type
class ProfileAnswer:
    topic: str
    question: str
    answer: str


@strawberry.type(description="A jurisdiction of the Intergovernmental Reference Guide.")
class DirectoryEntry(Node):
    code: str = strawberry.field(
        description='Two-digit FIPS code of a state ("06"), tribal code ("T0001"), '
        'country code ("CA"), or "FED".'
    )
    name: str
    kind: JurisdictionKind
    contacts: list[Contact]
    profile: list[ProfileAnswer] = resolved_by(resolve.profile)


@strawberry.type
class DirectoryQuery:
    @strawberry.field(
        graphql_type=DirectoryEntry | None, description="One jurisdiction by its code."
    )
    def directory_entry(
        self, info: strawberry.Info[Context, None], code: str
    ) -> DirectoryEntryView | None:
        return resolve.resolve_directory_entry(info, code)

    @strawberry.field(
        graphql_type=Connection[DirectoryEntry],
        description="Jurisdictions, states first, then tribes, countries and OCSS.",
    )
    async def directory(
        self,
        info: strawberry.Info[Context, None],
        kind: JurisdictionKind | None = None,
        name: str | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> ConnectionView[DirectoryEntryView]:
        return await resolve.resolve_directory(
            info, kind=kind.value if kind else None, name=name, first=first, after=after
        )
