"""Reading cases and the people on them."""

from __future__ import annotations

from strawberry import Info

from datasources.directory import DirectoryEntryRecord
from datasources.fcr import CaseFilter, CaseRecord, CaseRoleRecord
from datasources.pages import Page
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.ids import decode_int_id
from resolvers.paging import fetch_page, page_request

LIST_NAME = "Case"


async def resolve_case(info: Info[Context, None], id: str) -> CaseRecord | None:
    return await info.context.loaders.case_by_id.load(decode_int_id(id, "Case"))


async def resolve_cases(
    info: Info[Context, None],
    *,
    state: str | None,
    participant_id: str | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[CaseRecord]:
    page = page_request(first, after, LIST_NAME)
    where = CaseFilter(
        jurisdiction=state,
        participant_id=decode_int_id(participant_id, "Participant") if participant_id else None,
        status=status,
    )
    return await fetch_page(info.context.sources.fcr.list_cases(where, page))


async def load_case(info: Info[Context, None], case_id: int) -> CaseRecord:
    found = await info.context.loaders.case_by_id.load(case_id)
    if found is None:
        raise NotFound("case not found")
    return found


async def resolve_case_roles(info: Info[Context, None], case_id: int) -> list[CaseRoleRecord]:
    return await info.context.loaders.roles_by_case_id.load(case_id)


def resolve_jurisdiction(info: Info[Context, None], code: str) -> DirectoryEntryRecord:
    found = info.context.sources.directory.get(code)
    if found is None:
        raise NotFound("jurisdiction not in the directory")
    return found
