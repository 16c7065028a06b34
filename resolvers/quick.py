"""QUICK: reading a case's live view from the holding state's own system."""

from __future__ import annotations

from typing import TypeVar

from strawberry import Info

from datasources.state_systems import ActivityRecord, CaseRef, CaseViewRecord, Unavailable
from resolvers.context import Context
from resolvers.errors import SourceUnavailable
from resolvers.views import (
    CaseFinancialsView,
    CaseView,
    ContactView,
    PaymentView,
    contact_view,
    financials_view,
)

T = TypeVar("T")


async def load_case_view(info: Info[Context, None], case: CaseView) -> CaseViewRecord | None:
    """The holding state's view of `case`; None when the state does not know the case.

    Raises SourceUnavailable (null + SOURCE_UNAVAILABLE for that field only) when the
    state's system is down, too slow, answers garbage, or its circuit is open.
    """
    ref = CaseRef(case.jurisdiction, case.state_case_id)
    view = await info.context.loaders.case_view_by_ref.load(ref)
    if isinstance(view, Unavailable):
        raise SourceUnavailable(f"the case system of {case.jurisdiction} is unavailable")
    return view


async def case_worker(root: CaseView, info: Info[Context, None]) -> ContactView | None:
    """`Case.worker`: the holding state's caseworker."""
    view = await load_case_view(info, root)
    return contact_view(view.worker) if view and view.worker else None


async def case_financials(root: CaseView, info: Info[Context, None]) -> CaseFinancialsView | None:
    """`Case.financials`: each payment decided on its own facts, audited as the case."""
    view = await load_case_view(info, root)
    if view is None or view.financials is None:
        return None
    return financials_view(view.financials, root.facts)


async def case_activities(
    root: CaseView, info: Info[Context, None], last: int | None = 20
) -> list[ActivityRecord] | None:
    """`Case.activities`: the newest `last`, oldest first."""
    view = await load_case_view(info, root)
    if view is None:
        return None
    return list(_newest(view.activities, last))


def payments_received(root: CaseFinancialsView, last: int | None = 12) -> list[PaymentView]:
    return list(_newest(root.received, last))


def payments_distributed(root: CaseFinancialsView, last: int | None = 12) -> list[PaymentView]:
    return list(_newest(root.distributed, last))


def _newest(items: tuple[T, ...], last: int | None) -> tuple[T, ...]:
    """The last `last` items (all of them for None, none for 0 or less)."""
    return items if last is None else items[-last:] if last > 0 else ()
