"""eTermination: employers report that an employee left; caseworkers are told, live."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from datetime import date, datetime

import strawberry

from datasources.addresses import AddressRecord
from datasources.notices import TerminationNoticeRecord
from policy.relations import NoticeFacts
from resolvers.cases import resolve_jurisdiction
from resolvers.context import Context
from resolvers.employers import load_employer
from resolvers.ids import encode_global_id
from resolvers.notice_stream import stream_notices
from resolvers.notices import (
    LIST_NAME,
    TerminationReport,
    load_notice_facts,
    report_termination,
    resolve_notices,
)
from resolvers.participants import load_participant
from schema.address import Address
from schema.directory import DirectoryEntry
from schema.employer import Employer
from schema.mutations import UserError, user_errors
from schema.participant import Participant, build_participant
from schema.relay import Connection, Node, build_connection

Info = strawberry.Info[Context, None]


@strawberry.type(description="An employer's report that an employee left or never worked there.")
class TerminationNotice(Node):
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: Address | None
    new_employer_name: str | None
    reported_at: datetime
    record: strawberry.Private[TerminationNoticeRecord]
    facts: strawberry.Private[NoticeFacts]

    @strawberry.field
    async def employer(self, info: Info) -> Employer:
        return Employer.from_record(await load_employer(info, self.record.employer_id))

    @strawberry.field(description="The matched participant; null when the employee matched none.")
    async def participant(self, info: Info) -> Participant | None:
        if self.record.participant_id is None:
            return None
        return await build_participant(
            info, await load_participant(info, self.record.participant_id)
        )

    @strawberry.field(description="Jurisdictions notified.")
    def states(self, info: Info) -> list[DirectoryEntry]:
        return [
            DirectoryEntry.from_record(resolve_jurisdiction(info, code))
            for code in self.record.states
        ]

    @classmethod
    def from_record(cls, record: TerminationNoticeRecord, facts: NoticeFacts) -> TerminationNotice:
        """A notice with the facts policy decides it on (see `build_notices`)."""
        address = record.last_known_address
        return cls(
            id=strawberry.ID(encode_global_id(LIST_NAME, record.id)),
            employee_name=record.employee_name,
            terminated_on=record.terminated_on,
            never_employed=record.never_employed,
            last_known_address=Address.from_record(address) if address else None,
            new_employer_name=record.new_employer_name,
            reported_at=record.reported_at,
            record=record,
            facts=facts,
        )


async def build_notices(
    info: Info, records: Sequence[TerminationNoticeRecord], *, fresh: bool = False
) -> list[TerminationNotice]:
    """Notices with their matched participants' current facts (for the locate fields)."""
    facts = await load_notice_facts(info, records, fresh=fresh)
    return [TerminationNotice.from_record(r, f) for r, f in zip(records, facts, strict=True)]


async def build_notice(info: Info, record: TerminationNoticeRecord) -> TerminationNotice:
    return (await build_notices(info, [record]))[0]


async def build_notice_fresh(info: Info, record: TerminationNoticeRecord) -> TerminationNotice:
    """A notice for a subscriber: the participant's facts read anew for each event."""
    return (await build_notices(info, [record], fresh=True))[0]


@strawberry.type
class NoticeQuery:
    @strawberry.field(description="Termination notices the viewer may see, oldest first.")
    async def termination_notices(
        self,
        info: Info,
        since: datetime | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[TerminationNotice]:
        page = await resolve_notices(info, since=since, first=first, after=after)
        nodes = await build_notices(info, page.items)
        return build_connection(page, LIST_NAME, nodes)


@strawberry.input
class AddressInput:
    line1: str
    line2: str | None = None
    city: str
    state: str
    zip: str


@strawberry.input
class ReportTerminationInput:
    employee_ssn: str
    employee_first_name: str
    employee_last_name: str
    terminated_on: date | None = None
    never_employed: bool | None = False
    last_known_address: AddressInput | None = None
    new_employer_name: str | None = None

    def to_report(self) -> TerminationReport:
        address = self.last_known_address
        return TerminationReport(
            employee_ssn=self.employee_ssn,
            employee_first_name=self.employee_first_name,
            employee_last_name=self.employee_last_name,
            terminated_on=self.terminated_on,
            never_employed=bool(self.never_employed),
            last_known_address=AddressRecord(
                address.line1, address.line2, address.city, address.state.upper(), address.zip
            )
            if address
            else None,
            new_employer_name=self.new_employer_name,
        )


@strawberry.type
class ReportTerminationPayload:
    notice: TerminationNotice | None
    user_errors: list[UserError]


@strawberry.type
class NoticeMutation:
    @strawberry.mutation(
        description="Report, as the employer of the token's FEIN, that an employee left or "
        "never worked there. Every jurisdiction with an open case on which the employee is "
        "the noncustodial parent is notified."
    )
    async def report_termination(
        self, info: Info, input: ReportTerminationInput
    ) -> ReportTerminationPayload:
        result = await report_termination(info, input.to_report())
        notice = await build_notice(info, result.notice) if result.notice else None
        return ReportTerminationPayload(notice=notice, user_errors=user_errors(result.problems))


@strawberry.type
class NoticeSubscription:
    @strawberry.subscription(
        description="Termination notices for the viewer's jurisdiction (OCSS staff: all), as "
        "employers report them. after: resume after the notice with this id, receiving what "
        "was missed."
    )
    async def termination_notices(
        self, info: Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[TerminationNotice, None]:
        async for record in stream_notices(info, after):
            yield await build_notice_fresh(info, record)
