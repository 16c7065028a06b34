"""eTermination: employers' reports that an employee left.

Reporting and delivery arrive with their own issue; until then the list is empty.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from resolvers.paging import empty_page, page_request
from schema.address import Address
from schema.directory import DirectoryEntry
from schema.employer import Employer
from schema.participant import Participant
from schema.relay import Connection, Node, build_connection

LIST_NAME = "TerminationNotice"


@strawberry.type(description="An employer's report that an employee left or never worked there.")
class TerminationNotice(Node):
    employer: Employer
    participant: Participant | None = strawberry.field(
        description="The matched participant; null when the employee matched none."
    )
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: Address | None
    new_employer_name: str | None
    reported_at: datetime
    states: list[DirectoryEntry] = strawberry.field(description="Jurisdictions notified.")


@strawberry.type
class NoticeQuery:
    @strawberry.field(description="Termination notices the viewer may see, oldest first.")
    def termination_notices(
        self, since: datetime | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[TerminationNotice]:
        page_request(first, after, LIST_NAME)
        return build_connection(empty_page(), LIST_NAME, [])
