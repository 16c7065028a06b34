"""Reading the Intergovernmental Reference Guide."""

from __future__ import annotations

from strawberry import Info

from datasources.directory import ProfileAnswerRecord
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.paging import ConnectionView, build_connection, fetch_page, page_request
from resolvers.views import DirectoryEntryView, directory_entry_view

LIST_NAME = "DirectoryEntry"


def resolve_directory_entry(info: Info[Context, None], code: str) -> DirectoryEntryView | None:
    record = info.context.sources.directory.get(code)
    return directory_entry_view(record) if record else None


def resolve_jurisdiction(info: Info[Context, None], code: str) -> DirectoryEntryView:
    """The directory entry of a jurisdiction a record names (a case's state, a sender...)."""
    found = info.context.sources.directory.get(code)
    if found is None:
        raise NotFound("jurisdiction not in the directory")
    return directory_entry_view(found)


async def resolve_directory(
    info: Info[Context, None],
    *,
    kind: str | None,
    name: str | None,
    first: int | None,
    after: str | None,
) -> ConnectionView[DirectoryEntryView]:
    page = page_request(first, after, LIST_NAME, default=50)
    found = await fetch_page(
        info.context.sources.directory.list_entries(kind=kind, name=name, page=page)
    )
    return build_connection(found, LIST_NAME, directory_entry_view)


def profile(root: DirectoryEntryView, topic: str | None = None) -> list[ProfileAnswerRecord]:
    """`DirectoryEntry.profile`: the answers on `topic` (any case), or all of them."""
    wanted = topic.lower() if topic else None
    return [a for a in root.answers if wanted is None or a.topic.lower() == wanted]
