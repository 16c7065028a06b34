"""People known to the Federal Case Registry: finding them, and reporting misidentified SSNs.

The types (`Participant`, `CaseParticipant`, `MisidentifiedSsn`) live in
`schema.case_graph` with the other node types they refer to.
"""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers import misidentified
from resolvers import participants as resolve
from resolvers.context import Context
from resolvers.paging import ConnectionView
from resolvers.views import MisidentifiedSsnPayloadView, ParticipantView
from schema.case_graph import MisidentifiedSsn, Participant
from schema.mutations import UserError
from schema.relay import Connection

Info = strawberry.Info[Context, None]


@strawberry.type
class ParticipantQuery:
    @strawberry.field(graphql_type=Participant | None, description="One participant by id.")
    async def participant(self, info: Info, id: strawberry.ID) -> ParticipantView | None:
        return await resolve.resolve_participant(info, id)

    @strawberry.field(
        graphql_type=Connection[Participant],
        description="Participants matching every given filter, in id order.",
    )
    async def participants(
        self,
        info: Info,
        ssn: str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        date_of_birth: date | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[ParticipantView]:
        where = resolve.build_filter(ssn, last_name, first_name, date_of_birth)
        return await resolve.resolve_participants(info, where=where, first=first, after=after)


@strawberry.input
class MisidentifiedSsnInput:
    participant_id: strawberry.ID
    ssn: str


@strawberry.type
class MisidentifiedSsnPayload:
    misidentified_ssn: MisidentifiedSsn | None
    user_errors: list[UserError]


@strawberry.type
class MisidentifiedSsnMutation:
    @strawberry.mutation(
        graphql_type=MisidentifiedSsnPayload,
        description="Report an SSN wrongly assigned to an own participant (NNN-NN-NNNN).",
    )
    async def add_misidentified_ssn(
        self, info: Info, input: MisidentifiedSsnInput
    ) -> MisidentifiedSsnPayloadView:
        return await misidentified.add_misidentified_ssn(info, input.participant_id, input.ssn)

    @strawberry.mutation(
        graphql_type=MisidentifiedSsnPayload,
        description="Withdraw a report your jurisdiction made.",
    )
    async def remove_misidentified_ssn(
        self, info: Info, input: MisidentifiedSsnInput
    ) -> MisidentifiedSsnPayloadView:
        return await misidentified.remove_misidentified_ssn(info, input.participant_id, input.ssn)
