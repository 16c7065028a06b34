"""Reading the Intergovernmental Reference Guide."""

from __future__ import annotations

from strawberry import Info

from datasources.directory import DirectoryEntryRecord
from datasources.pages import Page
from resolvers.context import Context
from resolvers.paging import fetch_page, page_request

LIST_NAME = "DirectoryEntry"


def resolve_directory_entry(info: Info[Context, None], code: str) -> DirectoryEntryRecord | None:
    return info.context.sources.directory.get(code)


async def resolve_directory(
    info: Info[Context, None],
    *,
    kind: str | None,
    name: str | None,
    first: int | None,
    after: str | None,
) -> Page[DirectoryEntryRecord]:
    page = page_request(first, after, LIST_NAME, default=50)
    return await fetch_page(
        info.context.sources.directory.list_entries(kind=kind, name=name, page=page)
    )
