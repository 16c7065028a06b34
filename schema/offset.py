"""Federal collections and enforcement: offset certifications, passport denial, refunds."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from datasources.offsets import OffsetCertificationRecord, TaxRefundOffsetRecord
from policy.relations import CertificationFacts
from resolvers import offsets as resolve
from resolvers.cases import resolve_jurisdiction
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.offset_writes import CertificationResult, release_passport, update_certification
from resolvers.participants import load_participant_by_ssn
from schema.directory import DirectoryEntry
from schema.mutations import UserError, user_errors
from schema.participant import Participant, build_participant
from schema.relay import Connection, Node, build_connection
from schema.scalars import Money

Info = strawberry.Info[Context, None]


@strawberry.enum
class OffsetCaseType(Enum):
    TANF = "TANF"
    NON_TANF = "NON_TANF"


@strawberry.enum
class PassportStatus(Enum):
    NOT_CERTIFIED = "NOT_CERTIFIED"
    DENIED = "DENIED"
    RELEASED = "RELEASED"
    EMERGENCY_RELEASED = "EMERGENCY_RELEASED"


@strawberry.type(description="A federal tax refund offset. Every field is Federal Tax Information.")
class TaxRefundOffset:
    tax_year: int
    amount: Money
    offset_on: date
    joint_return: bool

    @classmethod
    def from_record(cls, record: TaxRefundOffsetRecord) -> TaxRefundOffset:
        return cls(
            tax_year=record.tax_year,
            amount=Money(record.amount),
            offset_on=record.offset_on,
            joint_return=record.joint_return,
        )


@strawberry.type(description="A state's certification of a debt for federal offset.")
class OffsetCertification(Node):
    case_type: OffsetCaseType
    arrears_amount: Money
    certified_on: date
    passport_status: PassportStatus
    passport_denial_eligible: bool = strawberry.field(description="Arrears above $2,500.")
    tax_refund_offset_eligible: bool = strawberry.field(
        description="Arrears of at least $150 (TANF) or $500 (NON_TANF)."
    )
    record: strawberry.Private[OffsetCertificationRecord]
    facts: strawberry.Private[CertificationFacts]

    @strawberry.field
    async def participant(self, info: Info) -> Participant:
        return await build_participant(info, await load_participant_by_ssn(info, self.record.ssn))

    @strawberry.field
    def submitting_state(self, info: Info) -> DirectoryEntry:
        return DirectoryEntry.from_record(resolve_jurisdiction(info, self.record.submitting_state))

    @strawberry.field(description="Federal Tax Information.")
    async def tax_refund_offsets(self, info: Info) -> list[TaxRefundOffset] | None:
        records = await resolve.resolve_tax_refund_offsets(info, self.record.id)
        return [TaxRefundOffset.from_record(record) for record in records]

    @classmethod
    def from_record(cls, record: OffsetCertificationRecord) -> OffsetCertification:
        global_id = encode_global_id("OffsetCertification", record.id)
        return cls(
            id=strawberry.ID(global_id),
            case_type=OffsetCaseType(record.case_type),
            arrears_amount=Money(record.arrears_amount),
            certified_on=record.certified_on,
            passport_status=PassportStatus(record.passport_status),
            passport_denial_eligible=record.passport_denial_eligible,
            tax_refund_offset_eligible=record.tax_refund_offset_eligible,
            record=record,
            facts=CertificationFacts(global_id, record.submitting_state),
        )


@strawberry.type
class OffsetQuery:
    @strawberry.field(description="Offset certifications matching every given filter.")
    async def offset_certifications(
        self,
        info: Info,
        state: str | None = None,
        participant_id: strawberry.ID | None = None,
        passport_status: PassportStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[OffsetCertification]:
        page = await resolve.resolve_certifications(
            info,
            state=state,
            participant_id=participant_id,
            passport_status=passport_status.value if passport_status else None,
            first=first,
            after=after,
        )
        return build_connection(
            page, resolve.LIST_NAME, [OffsetCertification.from_record(item) for item in page.items]
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


def _payload(result: CertificationResult) -> OffsetCertificationPayload:
    record = result.record
    return OffsetCertificationPayload(
        offset_certification=OffsetCertification.from_record(record) if record else None,
        user_errors=user_errors(result.problems),
    )


@strawberry.type
class OffsetMutation:
    @strawberry.mutation(
        description="Change arrears or case type, as the submitting state. A passport is "
        "never released because arrears fell: release it with releasePassport."
    )
    async def update_offset_certification(
        self, info: Info, input: UpdateOffsetCertificationInput
    ) -> OffsetCertificationPayload:
        result = await update_certification(
            info,
            input.id,
            input.arrears_amount,
            input.case_type.value if input.case_type else None,
        )
        return _payload(result)

    @strawberry.mutation(
        description="Release a denied passport, as the submitting state "
        "(emergency: EMERGENCY_RELEASED, else RELEASED)."
    )
    async def release_passport(
        self, info: Info, id: strawberry.ID, emergency: bool | None = False
    ) -> OffsetCertificationPayload:
        return _payload(await release_passport(info, id, emergency=bool(emergency)))
