"""People known to the Federal Case Registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from datasources.fcr import CaseRoleRecord, MisidentifiedSsnRecord, ParticipantRecord
from policy.relations import AddressFacts, ParticipantFacts
from resolvers import participants as resolve
from resolvers.cases import load_case, resolve_jurisdiction
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.misidentified import (
    MisidentifiedResult,
    add_misidentified_ssn,
    remove_misidentified_ssn,
    report_record_id,
)
from schema.address import Address
from schema.directory import DirectoryEntry
from schema.employer import NewHire, QuarterlyWage
from schema.mutations import UserError, user_errors
from schema.relay import Connection, Node, build_connection

if TYPE_CHECKING:
    from schema.case import Case
    from schema.offset import OffsetCertification

Info = strawberry.Info[Context, None]


@strawberry.enum
class ParticipantRole(Enum):
    CUSTODIAL_PARTY = "CUSTODIAL_PARTY"
    NONCUSTODIAL_PARENT = "NONCUSTODIAL_PARENT"
    PUTATIVE_FATHER = "PUTATIVE_FATHER"
    CHILD = "CHILD"


@strawberry.enum
class SsnVerification(Enum):
    VERIFIED = "VERIFIED"
    CORRECTED = "CORRECTED"
    UNVERIFIED = "UNVERIFIED"
    MISIDENTIFIED = "MISIDENTIFIED"


@strawberry.enum
class Sex(Enum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    UNKNOWN = "UNKNOWN"


@strawberry.type(description="A person on one or more cases of the Federal Case Registry.")
class Participant(Node):
    ssn: str | None = strawberry.field(
        description='PII: in full, masked as "***-**-1234", or null, as the viewer may see it.'
    )
    ssn_verification: SsnVerification
    first_name: str
    last_name: str
    date_of_birth: date | None = strawberry.field(description="PII.")
    date_of_death: date | None
    deceased: bool
    sex: Sex
    family_violence: bool = strawberry.field(
        description="Family violence indicator: when true, no locate information is released."
    )
    record: strawberry.Private[ParticipantRecord]
    facts: strawberry.Private[ParticipantFacts]

    @strawberry.field
    async def cases(self, info: Info) -> list[CaseParticipant]:
        roles = await resolve.resolve_roles(info, self.record.id)
        return [CaseParticipant.from_record(role) for role in roles]

    @strawberry.field(description="Locate information.")
    async def addresses(self, info: Info) -> list[Address] | None:
        records = await resolve.resolve_addresses(info, self.record.id)
        return [
            Address.from_record(
                record, AddressFacts(self.facts.record_id, from_irs=record.source == "IRS")
            )
            for record in records
        ]

    @strawberry.field(description="Locate information: new-hire reports in NDNH.")
    async def employment(self, info: Info) -> list[NewHire] | None:
        records = await resolve.resolve_employment(info, self.record.ssn)
        return [NewHire.from_record(record) for record in records]

    @strawberry.field(description="Locate information: quarterly wages in NDNH.")
    async def wages(self, info: Info) -> list[QuarterlyWage] | None:
        records = await resolve.resolve_wages(info, self.record.ssn)
        return [QuarterlyWage.from_record(record) for record in records]

    @strawberry.field
    async def offset_certifications(
        self, info: Info
    ) -> list[Annotated[OffsetCertification, strawberry.lazy("schema.offset")]]:
        from schema.offset import OffsetCertification

        records = await resolve.resolve_certifications(info, self.record.ssn)
        return [OffsetCertification.from_record(record) for record in records]

    @strawberry.field
    async def misidentified_ssns(self, info: Info) -> list[MisidentifiedSsn]:
        records = await resolve.resolve_misidentified_ssns(info, self.record.id)
        return [MisidentifiedSsn.from_record(record, self.facts) for record in records]

    @classmethod
    def from_record(cls, record: ParticipantRecord, jurisdictions: frozenset[str]) -> Participant:
        global_id = encode_global_id("Participant", record.id)
        return cls(
            id=strawberry.ID(global_id),
            ssn=record.ssn,
            ssn_verification=SsnVerification(record.ssn_verification),
            first_name=record.first_name,
            last_name=record.last_name,
            date_of_birth=record.date_of_birth,
            date_of_death=record.date_of_death,
            deceased=record.date_of_death is not None,
            sex=Sex(record.sex),
            family_violence=record.family_violence,
            record=record,
            facts=ParticipantFacts(global_id, jurisdictions, record.family_violence),
        )


async def build_participant(info: Info, record: ParticipantRecord) -> Participant:
    """A participant with the facts policy needs (which jurisdictions hold their cases)."""
    jurisdictions = await info.context.loaders.jurisdictions_by_participant_id.load(record.id)
    return Participant.from_record(record, jurisdictions)


async def build_participants(info: Info, records: list[ParticipantRecord]) -> list[Participant]:
    loader = info.context.loaders.jurisdictions_by_participant_id
    jurisdictions = await loader.load_many([record.id for record in records])
    return [Participant.from_record(r, j) for r, j in zip(records, jurisdictions, strict=True)]


@strawberry.type(description="A participant's role on a case.")
class CaseParticipant:
    role: ParticipantRole
    record: strawberry.Private[CaseRoleRecord]

    @strawberry.field
    async def participant(self, info: Info) -> Participant:
        return await build_participant(
            info, await resolve.load_participant(info, self.record.participant_id)
        )

    @strawberry.field
    async def case(self, info: Info) -> Annotated[Case, strawberry.lazy("schema.case")]:
        from schema.case import Case

        return Case.from_record(await load_case(info, self.record.case_id))

    @classmethod
    def from_record(cls, record: CaseRoleRecord) -> CaseParticipant:
        return cls(role=ParticipantRole(record.role), record=record)


@strawberry.type(description="An SSN a state reported as wrongly assigned to a participant.")
class MisidentifiedSsn:
    ssn: str = strawberry.field(description="Masked as Participant.ssn is.")
    reported_on: date
    record: strawberry.Private[MisidentifiedSsnRecord]
    facts: strawberry.Private[ParticipantFacts]

    @strawberry.field
    async def participant(self, info: Info) -> Participant:
        return await build_participant(
            info, await resolve.load_participant(info, self.record.participant_id)
        )

    @strawberry.field
    def reported_by(self, info: Info) -> DirectoryEntry:
        return DirectoryEntry.from_record(resolve_jurisdiction(info, self.record.reported_by))

    @classmethod
    def from_record(
        cls, record: MisidentifiedSsnRecord, facts: ParticipantFacts
    ) -> MisidentifiedSsn:
        # decided as the participant's SSN, audited as this report (one event per report)
        facts = replace(facts, record_id=report_record_id(record))
        return cls(ssn=record.ssn, reported_on=record.reported_on, record=record, facts=facts)


@strawberry.type
class ParticipantQuery:
    @strawberry.field(description="One participant by id.")
    async def participant(self, info: Info, id: strawberry.ID) -> Participant | None:
        record = await resolve.resolve_participant(info, id)
        return await build_participant(info, record) if record else None

    @strawberry.field(description="Participants matching every given filter, in id order.")
    async def participants(
        self,
        info: Info,
        ssn: str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        date_of_birth: date | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Participant]:
        where = resolve.build_filter(ssn, last_name, first_name, date_of_birth)
        page = await resolve.resolve_participants(info, where=where, first=first, after=after)
        participants = await build_participants(info, list(page.items))
        return build_connection(page, resolve.LIST_NAME, participants)


@strawberry.input
class MisidentifiedSsnInput:
    participant_id: strawberry.ID
    ssn: str


@strawberry.type
class MisidentifiedSsnPayload:
    misidentified_ssn: MisidentifiedSsn | None
    user_errors: list[UserError]


async def _payload(info: Info, result: MisidentifiedResult) -> MisidentifiedSsnPayload:
    if result.record is None or result.participant is None:
        return MisidentifiedSsnPayload(
            misidentified_ssn=None, user_errors=user_errors(result.problems)
        )
    participant = await build_participant(info, result.participant)
    return MisidentifiedSsnPayload(
        misidentified_ssn=MisidentifiedSsn.from_record(result.record, participant.facts),
        user_errors=[],
    )


@strawberry.type
class MisidentifiedSsnMutation:
    @strawberry.mutation(
        description="Report an SSN wrongly assigned to an own participant (NNN-NN-NNNN)."
    )
    async def add_misidentified_ssn(
        self, info: Info, input: MisidentifiedSsnInput
    ) -> MisidentifiedSsnPayload:
        result = await add_misidentified_ssn(info, input.participant_id, input.ssn)
        return await _payload(info, result)

    @strawberry.mutation(description="Withdraw a report your jurisdiction made.")
    async def remove_misidentified_ssn(
        self, info: Info, input: MisidentifiedSsnInput
    ) -> MisidentifiedSsnPayload:
        result = await remove_misidentified_ssn(info, input.participant_id, input.ssn)
        return await _payload(info, result)
