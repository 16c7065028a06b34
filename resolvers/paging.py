"""Turning connection arguments into page requests, and pages back into cursors."""

from __future__ import annotations

from collections.abc import Awaitable

from datasources.pages import Page, PageRequest, T
from resolvers.errors import BadUserInput
from resolvers.ids import check_page_size, decode_cursor


def page_request(
    first: int | None, after: str | None, list_name: str, default: int = 20
) -> PageRequest:
    """Validate `first`/`after` of the list `list_name`; a null `first` means `default`."""
    size = check_page_size(default if first is None else first)
    return PageRequest(first=size, after=decode_cursor(after, list_name))


async def fetch_page(pending: Awaitable[Page[T]]) -> Page[T]:
    """Await a source's page; a key no item could have is the client's bad cursor."""
    try:
        return await pending
    except ValueError as error:
        raise BadUserInput("not a cursor of this list", argumentName="after") from error


def empty_page() -> Page[T]:
    """A page of a list that holds nothing yet."""
    return Page(items=[], keys=[], has_next=False, total=0)
