"""Reading offset certifications and tax refund offsets."""

from __future__ import annotations

from strawberry import Info

from datasources.offsets import CertificationFilter, TaxRefundOffsetRecord
from policy.gate import Scope
from resolvers.context import Context
from resolvers.directory import resolve_jurisdiction
from resolvers.ids import decode_int_id
from resolvers.paging import (
    ConnectionView,
    asks_total,
    build_connection,
    empty_page,
    fetch_page,
    page_request,
)
from resolvers.participants import build_participant, load_participant_by_ssn
from resolvers.views import (
    CertificationView,
    DirectoryEntryView,
    ParticipantView,
    certification_view,
)

LIST_NAME = "OffsetCertification"


async def resolve_certifications(
    info: Info[Context, None],
    *,
    state: str | None,
    participant_id: str | None,
    passport_status: str | None,
    first: int | None,
    after: str | None,
) -> ConnectionView[CertificationView]:
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    viewer = info.context.viewer
    scope = info.context.gate.list_scope(viewer, "Query.offsetCertifications").scope
    nothing = build_connection(empty_page(), LIST_NAME, certification_view)
    if scope is Scope.RELATED:
        if state is not None and state != viewer.jurisdiction:
            return nothing
        state = viewer.jurisdiction
    if scope is Scope.NONE or (scope is Scope.RELATED and state is None):
        return nothing
    ssn = None
    if participant_id is not None:
        key = decode_int_id(participant_id, "Participant")
        participant = await info.context.loaders.participant_by_id.load(key)
        if participant is None:
            return nothing
        ssn = participant.ssn
    where = CertificationFilter(submitting_state=state, ssn=ssn, passport_status=passport_status)
    found = await fetch_page(info.context.sources.offsets.list_certifications(where, page))
    return build_connection(found, LIST_NAME, certification_view)


async def certification_participant(
    root: CertificationView, info: Info[Context, None]
) -> ParticipantView:
    """`OffsetCertification.participant`: the participant of the certified SSN."""
    return await build_participant(info, await load_participant_by_ssn(info, root.ssn))


def submitting_state(root: CertificationView, info: Info[Context, None]) -> DirectoryEntryView:
    return resolve_jurisdiction(info, root.submitting_state_code)


async def tax_refund_offsets(
    root: CertificationView, info: Info[Context, None]
) -> list[TaxRefundOffsetRecord]:
    """Federal Tax Information: served as the records are (every field is one of theirs)."""
    loader = info.context.loaders.tax_refund_offsets_by_certification_id
    return await loader.load(root.certification_id)
