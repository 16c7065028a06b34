"""eTermination: employers report that an employee left; caseworkers are told, live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date, datetime

import strawberry

from resolvers import employers, notices
from resolvers.context import Context
from resolvers.notice_stream import stream_notice_views
from resolvers.paging import ConnectionView
from resolvers.views import NoticeView, ReportTerminationPayloadView
from schema.address import Address
from schema.case_graph import Participant
from schema.directory import DirectoryEntry
from schema.employer import Employer
from schema.mutations import UserError
from schema.relay import Connection, Node
from schema.resolved import resolved_by

Info = strawberry.Info[Context, None]


@strawberry.type(description="An employer's report that an employee left or never worked there.")
class TerminationNotice(Node):
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: Address | None
    new_employer_name: str | None
    reported_at: datetime
    employer: Employer = resolved_by(employers.employer_of)
    participant: Participant | None = resolved_by(
        notices.notice_participant,
        description="The matched participant; null when the employee matched none.",
    )
    states: list[DirectoryEntry] = resolved_by(
        notices.notice_states, description="Jurisdictions notified."
    )


@strawberry.type
class NoticeQuery:
    @strawberry.field(
        graphql_type=Connection[TerminationNotice],
        description="Termination notices the viewer may see, oldest first.",
    )
    async def termination_notices(
        self,
        info: Info,
        since: datetime | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[NoticeView]:
        return await notices.resolve_notices(info, since=since, first=first, after=after)


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

    def to_report(self) -> notices.TerminationReport:
        address = self.last_known_address
        return notices.TerminationReport(
            employee_ssn=self.employee_ssn,
            employee_first_name=self.employee_first_name,
            employee_last_name=self.employee_last_name,
            terminated_on=self.terminated_on,
            never_employed=bool(self.never_employed),
            last_known_address=notices.ReportedAddress(
                address.line1, address.line2, address.city, address.state, address.zip
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
        graphql_type=ReportTerminationPayload,
        description="Report, as the employer of the token's FEIN, that an employee left or "
        "never worked there. Every jurisdiction with an open case on which the employee is "
        "the noncustodial parent is notified.",
    )
    async def report_termination(
        self, info: Info, input: ReportTerminationInput
    ) -> ReportTerminationPayloadView:
        return await notices.report_termination(info, input.to_report())


@strawberry.type
class NoticeSubscription:
    @strawberry.subscription(
        graphql_type=TerminationNotice,
        description="Termination notices for the viewer's jurisdiction (OCSS staff: all), as "
        "employers report them. after: resume after the notice with this id, receiving what "
        "was missed.",
    )
    async def termination_notices(
        self, info: Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[NoticeView, None]:
        async for notice in stream_notice_views(info, after):
            yield notice
