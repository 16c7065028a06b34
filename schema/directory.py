"""The Intergovernmental Reference Guide: states, tribes, countries and OCSS."""

from __future__ import annotations

from enum import Enum

import strawberry

from datasources.directory import DirectoryEntryRecord
from resolvers.context import Context
from resolvers.directory import LIST_NAME, resolve_directory, resolve_directory_entry
from resolvers.ids import encode_global_id
from schema.address import Contact
from schema.relay import Connection, Node, build_connection


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
    record: strawberry.Private[DirectoryEntryRecord]

    @strawberry.field
    def contacts(self) -> list[Contact]:
        return [Contact.from_record(contact) for contact in self.record.contacts]

    @strawberry.field
    def profile(self, topic: str | None = None) -> list[ProfileAnswer]:
        wanted = topic.lower() if topic else None
        return [
            ProfileAnswer(topic=a.topic, question=a.question, answer=a.answer)
            for a in self.record.profile
            if wanted is None or a.topic.lower() == wanted
        ]

    @classmethod
    def from_record(cls, record: DirectoryEntryRecord) -> DirectoryEntry:
        return cls(
            id=strawberry.ID(encode_global_id("DirectoryEntry", record.code)),
            code=record.code,
            name=record.name,
            kind=JurisdictionKind(record.kind),
            record=record,
        )


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="One jurisdiction by its code.")
    def directory_entry(
        self, info: strawberry.Info[Context, None], code: str
    ) -> DirectoryEntry | None:
        record = resolve_directory_entry(info, code)
        return DirectoryEntry.from_record(record) if record else None

    @strawberry.field(description="Jurisdictions, states first, then tribes, countries and OCSS.")
    async def directory(
        self,
        info: strawberry.Info[Context, None],
        kind: JurisdictionKind | None = None,
        name: str | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[DirectoryEntry]:
        page = await resolve_directory(
            info, kind=kind.value if kind else None, name=name, first=first, after=after
        )
        return build_connection(
            page, LIST_NAME, [DirectoryEntry.from_record(item) for item in page.items]
        )
