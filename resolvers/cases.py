"""Reading cases and the people on them."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry import Info

from datasources.fcr import CaseFilter
from resolvers.context import Context
from resolvers.directory import resolve_jurisdiction
from resolvers.documents import resolve_case_documents
from resolvers.errors import NotFound
from resolvers.ids import decode_int_id
from resolvers.paging import ConnectionView, asks_total, build_connection, fetch_page, page_request
from resolvers.views import (
    CaseParticipantView,
    CaseView,
    DirectoryEntryView,
    DocumentView,
    case_participant_view,
    case_view,
    document_view,
)

LIST_NAME = "Case"


async def resolve_case(info: Info[Context, None], id: str) -> CaseView | None:
    found = await info.context.loaders.case_by_id.load(decode_int_id(id, "Case"))
    return case_view(found) if found else None


async def resolve_cases(
    info: Info[Context, None],
    *,
    state: str | None,
    participant_id: str | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> ConnectionView[CaseView]:
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    where = CaseFilter(
        jurisdiction=state,
        participant_id=decode_int_id(participant_id, "Participant") if participant_id else None,
        status=status,
    )
    found = await fetch_page(info.context.sources.fcr.list_cases(where, page))
    return build_connection(found, LIST_NAME, case_view)


async def load_case(info: Info[Context, None], case_id: int) -> CaseView:
    """The case a record names; NOT_FOUND when it is gone."""
    found = await info.context.loaders.case_by_id.load(case_id)
    if found is None:
        raise NotFound("case not found")
    return case_view(found)


def case_state(root: CaseView, info: Info[Context, None]) -> DirectoryEntryView:
    """`Case.state`: the jurisdiction that holds the case."""
    return resolve_jurisdiction(info, root.jurisdiction)


async def participants_of_cases(
    roots: Sequence[CaseView], info: Info[Context, None]
) -> list[list[CaseParticipantView]]:
    """`Case.participants` of many cases at once (a compiled plan's level)."""
    found = await info.context.loaders.roles_by_case_id.load_many([r.case_id for r in roots])
    return [[case_participant_view(role) for role in roles] for roles in found]


async def case_participants(root: CaseView, info: Info[Context, None]) -> list[CaseParticipantView]:
    return (await participants_of_cases([root], info))[0]


async def case_documents(root: CaseView, info: Info[Context, None]) -> list[DocumentView]:
    """`Case.documents`: those the viewer may see (the guard checks each one again)."""
    records = await resolve_case_documents(info, root.case_id)
    return [document_view(record) for record in records]
