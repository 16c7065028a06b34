"""Reading employers and what NDNH holds of them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from strawberry import Info

from datasources.ndnh import EmployerFilter
from policy.gate import Scope, Trail
from policy.vocabulary import Resource
from resolvers.context import Context
from resolvers.errors import BadUserInput, HubError, NotFound, one_of
from resolvers.paging import (
    ConnectionView,
    asks_total,
    build_connection,
    empty_page,
    fetch_page,
    page_request,
)
from resolvers.views import (
    ContactView,
    EmployerAddressView,
    EmployerView,
    NewHireView,
    NoticeView,
    QuarterlyWageView,
    contact_view,
    employer_address_view,
    employer_view,
)

LIST_NAME = "Employer"
_FEIN = re.compile(r"^\d{2}-\d{7}$")


def _check_fein(fein: str) -> str:
    if not _FEIN.match(fein):
        raise BadUserInput("fein must look like NN-NNNNNNN", argumentName="fein")
    return fein


async def resolve_employer(info: Info[Context, None], fein: str) -> EmployerView | None:
    """The employer of `fein`; refused alike whether or not another organisation has it.

    A viewer who may read only its own organisation gets the same FORBIDDEN for any other
    FEIN, registered or not, without the registry being asked: no existence oracle.
    """
    fein = _check_fein(fein)
    context, viewer = info.context, info.context.viewer
    if fein != viewer.fein:
        operation = info.operation.name.value if info.operation and info.operation.name else None
        trail = Trail(context.audit, operation, Resource.EMPLOYER)
        context.gate.refuse_unrelated(viewer, "Query.employer", trail)
    found = await context.loaders.employer_by_fein.load(fein)
    return employer_view(found) if found else None


def _postal_code(info: Info[Context, None], state: str | None) -> str | None:
    """Accept a state's FIPS code ("06") or postal abbreviation ("CA")."""
    if state is None or not state.isdigit():
        return state.upper() if state else None
    entry = info.context.sources.directory.get(state)
    if entry is None or entry.postal is None:
        raise BadUserInput("unknown state", argumentName="state")
    return entry.postal


async def resolve_employers(
    info: Info[Context, None],
    *,
    name: str | None,
    state: str | None,
    e_iwo_participant: bool | None,
    first: int | None,
    after: str | None,
) -> ConnectionView[EmployerView]:
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    viewer = info.context.viewer
    scope = info.context.gate.list_scope(viewer, "Query.employers").scope
    if scope is Scope.NONE or (scope is Scope.RELATED and viewer.fein is None):
        return build_connection(empty_page(), LIST_NAME, employer_view)
    where = EmployerFilter(
        name=name,
        state=_postal_code(info, state),
        e_iwo_participant=e_iwo_participant,
        fein=viewer.fein if scope is Scope.RELATED else None,
    )
    found = await fetch_page(info.context.sources.ndnh.list_employers(where, page))
    return build_connection(found, LIST_NAME, employer_view)


async def employers_of(
    roots: Sequence[NewHireView | QuarterlyWageView | NoticeView], info: Info[Context, None]
) -> list[EmployerView | HubError]:
    """The employers many new hires, wages or notices name (a compiled plan's level)."""
    found = await info.context.loaders.employer_by_id.load_many([r.employer_id for r in roots])
    return [employer_view(record) if record else NotFound("employer not found") for record in found]


async def employer_of(
    root: NewHireView | QuarterlyWageView | NoticeView, info: Info[Context, None]
) -> EmployerView:
    """The employer a new hire, a wage or a termination notice names."""
    return one_of(await employers_of([root], info))


async def employer_addresses(
    root: EmployerView, info: Info[Context, None]
) -> list[EmployerAddressView]:
    found = await info.context.loaders.employer_addresses_by_employer_id.load(root.employer_id)
    return [employer_address_view(record) for record in found]


async def employer_contacts(root: EmployerView, info: Info[Context, None]) -> list[ContactView]:
    found = await info.context.loaders.employer_contacts_by_employer_id.load(root.employer_id)
    return [contact_view(record) for record in found]
