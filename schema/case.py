"""Cases: FCR's skeleton record, and QUICK's live view from the holding state."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from datasources.fcr import CaseRecord
from policy.relations import RecordFacts
from resolvers import cases as resolve
from resolvers.context import Context
from resolvers.documents import resolve_case_documents
from resolvers.ids import encode_global_id
from resolvers.quick import load_case_view
from schema.address import Contact
from schema.directory import DirectoryEntry
from schema.participant import CaseParticipant
from schema.quick import CaseActivity, CaseFinancials
from schema.relay import Connection, Node, build_connection

if TYPE_CHECKING:
    from schema.document import Document

Info = strawberry.Info[Context, None]


@strawberry.enum
class CaseType(Enum):
    IV_D = "IV_D"
    NON_IV_D = "NON_IV_D"


@strawberry.enum
class CaseStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@strawberry.type(description="A child support case as the Federal Case Registry holds it.")
class Case(Node):
    state_case_id: str
    case_type: CaseType
    status: CaseStatus
    has_order: bool
    opened_on: date
    record: strawberry.Private[CaseRecord]
    facts: strawberry.Private[RecordFacts]

    @strawberry.field(description="The state (or tribe) that holds the case.")
    def state(self, info: Info) -> DirectoryEntry:
        return DirectoryEntry.from_record(
            resolve.resolve_jurisdiction(info, self.record.jurisdiction)
        )

    @strawberry.field
    async def participants(self, info: Info) -> list[CaseParticipant]:
        roles = await resolve.resolve_case_roles(info, self.record.id)
        return [CaseParticipant.from_record(role) for role in roles]

    @strawberry.field(description="QUICK: the holding state's caseworker, read live.")
    async def worker(self, info: Info) -> Contact | None:
        view = await load_case_view(info, self.record)
        return Contact.from_record(view.worker) if view and view.worker else None

    @strawberry.field(description="QUICK: the holding state's financial summary, read live.")
    async def financials(self, info: Info) -> CaseFinancials | None:
        view = await load_case_view(info, self.record)
        if view is None or view.financials is None:
            return None
        return CaseFinancials.from_record(view.financials, self.facts.record_id)

    @strawberry.field(description="QUICK: the newest `last` completed activities, oldest first.")
    async def activities(self, info: Info, last: int | None = 20) -> list[CaseActivity] | None:
        view = await load_case_view(info, self.record)
        if view is None:
            return None
        records = view.activities if last is None else view.activities[-last:] if last > 0 else ()
        return [CaseActivity.from_record(record) for record in records]

    @strawberry.field(description="Documents exchanged on this case that the viewer may see.")
    async def documents(
        self, info: Info
    ) -> list[Annotated[Document, strawberry.lazy("schema.document")]]:
        from schema.document import Document  # schema.document imports this module

        records = await resolve_case_documents(info, self.record.id)
        return [Document.from_record(record) for record in records]

    @classmethod
    def from_record(cls, record: CaseRecord) -> Case:
        global_id = encode_global_id("Case", record.id)
        return cls(
            id=strawberry.ID(global_id),
            state_case_id=record.state_case_id,
            case_type=CaseType(record.case_type),
            status=CaseStatus(record.status),
            has_order=record.has_order,
            opened_on=record.opened_on,
            record=record,
            facts=RecordFacts(global_id),
        )


@strawberry.type
class CaseQuery:
    @strawberry.field(name="case", description="One case by id.")
    async def case_by_id(self, info: Info, id: strawberry.ID) -> Case | None:
        record = await resolve.resolve_case(info, id)
        return Case.from_record(record) if record else None

    @strawberry.field(description="Cases matching every given filter, in id order.")
    async def cases(
        self,
        info: Info,
        state: str | None = None,
        participant_id: strawberry.ID | None = None,
        status: CaseStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Case]:
        page = await resolve.resolve_cases(
            info,
            state=state,
            participant_id=participant_id,
            status=status.value if status else None,
            first=first,
            after=after,
        )
        return build_connection(
            page, resolve.LIST_NAME, [Case.from_record(item) for item in page.items]
        )
