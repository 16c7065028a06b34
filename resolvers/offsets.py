"""Reading offset certifications and tax refund offsets."""

from __future__ import annotations

from strawberry import Info

from datasources.offsets import (
    CertificationFilter,
    OffsetCertificationRecord,
    TaxRefundOffsetRecord,
)
from datasources.pages import Page
from policy.gate import Scope
from resolvers.context import Context
from resolvers.ids import decode_int_id
from resolvers.paging import empty_page, fetch_page, page_request

LIST_NAME = "OffsetCertification"


async def resolve_certification(
    info: Info[Context, None], certification_id: int
) -> OffsetCertificationRecord | None:
    return await info.context.loaders.certification_by_id.load(certification_id)


async def resolve_certifications(
    info: Info[Context, None],
    *,
    state: str | None,
    participant_id: str | None,
    passport_status: str | None,
    first: int | None,
    after: str | None,
) -> Page[OffsetCertificationRecord]:
    page = page_request(first, after, LIST_NAME)
    viewer = info.context.viewer
    scope = info.context.gate.list_scope(viewer, "Query.offsetCertifications").scope
    if scope is Scope.RELATED:
        if state is not None and state != viewer.jurisdiction:
            return empty_page()
        state = viewer.jurisdiction
    if scope is Scope.NONE or (scope is Scope.RELATED and state is None):
        return empty_page()
    ssn = None
    if participant_id is not None:
        key = decode_int_id(participant_id, "Participant")
        participant = await info.context.loaders.participant_by_id.load(key)
        if participant is None:
            return empty_page()
        ssn = participant.ssn
    where = CertificationFilter(submitting_state=state, ssn=ssn, passport_status=passport_status)
    return await fetch_page(info.context.sources.offsets.list_certifications(where, page))


async def resolve_tax_refund_offsets(
    info: Info[Context, None], certification_id: int
) -> list[TaxRefundOffsetRecord]:
    return await info.context.loaders.tax_refund_offsets_by_certification_id.load(certification_id)
