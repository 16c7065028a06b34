"""QUICK: reading a case's live view from the holding state's own system."""

from __future__ import annotations

from strawberry import Info

from datasources.fcr import CaseRecord
from datasources.state_systems import CaseRef, CaseViewRecord, Unavailable
from resolvers.context import Context
from resolvers.errors import SourceUnavailable


async def load_case_view(info: Info[Context, None], case: CaseRecord) -> CaseViewRecord | None:
    """The holding state's view of `case`; None when the state does not know the case.

    Raises SourceUnavailable (null + SOURCE_UNAVAILABLE for that field only) when the
    state's system is down, too slow, answers garbage, or its circuit is open.
    """
    ref = CaseRef(case.jurisdiction, case.state_case_id)
    view = await info.context.loaders.case_view_by_ref.load(ref)
    if isinstance(view, Unavailable):
        raise SourceUnavailable(f"the case system of {case.jurisdiction} is unavailable")
    return view
