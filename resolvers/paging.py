"""Turning connection arguments into page requests, and pages back into connections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from strawberry import Info
from strawberry.types.nodes import SelectedField, Selection

from datasources.pages import Page, PageRequest, T
from resolvers.errors import BadUserInput
from resolvers.ids import check_page_size, decode_cursor, encode_cursor

N = TypeVar("N")


def page_request(
    first: int | None, after: str | None, list_name: str, default: int = 20, *, count: bool = True
) -> PageRequest:
    """Validate `first`/`after` of the list `list_name`; a null `first` means `default`."""
    size = check_page_size(default if first is None else first)
    return PageRequest(first=size, after=decode_cursor(after, list_name), count=count)


def asks_total(info: Info[Any, Any]) -> bool:
    """Whether the connection field being resolved selects `totalCount`, in a fragment too.

    A `@skip` or `@include` is not evaluated: a mention counts (counting is never wrong).
    """
    return any(_selects_total(field.selections) for field in info.selected_fields)


def _selects_total(selections: Sequence[Selection]) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == "totalCount":
            return True
        if not isinstance(selection, SelectedField) and _selects_total(selection.selections):
            return True
    return False


async def fetch_page(pending: Awaitable[Page[T]]) -> Page[T]:
    """Await a source's page; a key no item could have is the client's bad cursor."""
    try:
        return await pending
    except ValueError as error:
        raise BadUserInput("not a cursor of this list", argumentName="after") from error


def empty_page() -> Page[T]:
    """A page of a list that holds nothing yet."""
    return Page(items=[], keys=[], has_next=False, total=0)


@dataclass(frozen=True, slots=True)
class PageInfoView:
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class EdgeView(Generic[N]):
    node: N
    cursor: str


@dataclass(slots=True)
class ConnectionView(Generic[N]):
    """A page as the schema's `Connection` serves it.

    Not frozen: the guard (`schema.guard`) leaves out the edges whose node the gate
    refuses by replacing `edges`.
    """

    edges: list[EdgeView[N]]
    page_info: PageInfoView
    total_count: int | None
    """None when the page was fetched without its count (no `totalCount` was asked)."""


def build_connection(page: Page[T], list_name: str, view: Callable[[T], N]) -> ConnectionView[N]:
    """A connection of `page`, each item made a node by `view`; cursors of `list_name` only."""
    return connection_of(page, list_name, [view(item) for item in page.items])


def connection_of(page: Page[T], list_name: str, nodes: Sequence[N]) -> ConnectionView[N]:
    """A connection of `page` whose items are already made into `nodes` (in order)."""
    edges = [
        EdgeView(node=node, cursor=encode_cursor(list_name, key))
        for node, key in zip(nodes, page.keys, strict=True)
    ]
    return ConnectionView(
        edges=edges,
        page_info=PageInfoView(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=page.total,
    )
