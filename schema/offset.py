"""Federal collections and enforcement: offset certifications, passport denial, refunds.

The types (`OffsetCertification`, `TaxRefundOffset`) live in `schema.case_graph` with
the other node types they refer to.
"""

from __future__ import annotations

import strawberry

from resolvers import offsets as resolve
from resolvers.context import Context
from resolvers.offset_writes import release_passport, update_certification
from resolvers.paging import ConnectionView
from resolvers.views import CertificationPayloadView, CertificationView
from schema.case_graph import OffsetCaseType, OffsetCertification, PassportStatus
from schema.mutations import UserError
from schema.relay import Connection
from schema.scalars import Money

Info = strawberry.Info[Context, None]


@strawberry.type
class OffsetQuery:
    @strawberry.field(
        graphql_type=Connection[OffsetCertification],
        description="Offset certifications matching every given filter.",
    )
    async def offset_certifications(
        self,
        info: Info,
        state: str | None = None,
        participant_id: strawberry.ID | None = None,
        passport_status: PassportStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[CertificationView]:
        return await resolve.resolve_certifications(
            info,
            state=state,
            participant_id=participant_id,
            passport_status=passport_status.value if passport_status else None,
            first=first,
            after=after,
        )


@strawberry.input
class UpdateOffsetCertificationInput:
    id: strawberry.ID
    arrears_amount: Money | None = None
    case_type: OffsetCaseType | None = None


@strawberry.type
class OffsetCertificationPayload:
    offset_certification: OffsetCertification | None
    user_errors: list[UserError]


@strawberry.type
class OffsetMutation:
    @strawberry.mutation(
        graphql_type=OffsetCertificationPayload,
        description="Change arrears or case type, as the submitting state. A passport is "
        "never released because arrears fell: release it with releasePassport.",
    )
    async def update_offset_certification(
        self, info: Info, input: UpdateOffsetCertificationInput
    ) -> CertificationPayloadView:
        return await update_certification(
            info,
            input.id,
            input.arrears_amount,
            input.case_type.value if input.case_type else None,
        )

    @strawberry.mutation(
        graphql_type=OffsetCertificationPayload,
        description="Release a denied passport, as the submitting state "
        "(emergency: EMERGENCY_RELEASED, else RELEASED).",
    )
    async def release_passport(
        self, info: Info, id: strawberry.ID, emergency: bool | None = False
    ) -> CertificationPayloadView:
        return await release_passport(info, id, emergency=bool(emergency))
