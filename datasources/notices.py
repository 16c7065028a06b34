"""eTermination notices: what the hub records when an employer reports a termination.

The hub keeps no SSN of the employee: the report's SSN is used to find the
participant at the moment it is made, and only the match is stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from datasources.addresses import AddressRecord
from datasources.audit import AuditEventDraft
from datasources.pages import Page, PageRequest


@dataclass(frozen=True)
class NoticeDraft:
    """A termination report as validated and matched, before it is recorded."""

    employer_id: int
    employer_fein: str
    participant_id: int | None
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: AddressRecord | None
    new_employer_name: str | None
    states: tuple[str, ...]


@dataclass(frozen=True)
class TerminationNoticeRecord:
    id: int
    employer_id: int
    employer_fein: str
    participant_id: int | None
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: AddressRecord | None
    new_employer_name: str | None
    reported_at: datetime
    states: tuple[str, ...]


@dataclass(frozen=True)
class NoticeFilter:
    """Notices reported at or after `since`; by `employer_fein` and/or notifying `jurisdiction`.

    With both set, a notice matches either (the viewer reported it, or it notified them).
    """

    since: datetime | None = None
    employer_fein: str | None = None
    jurisdiction: str | None = None


class NoticeSource(Protocol):
    """The notices store, and the outbox that feeds the bus.

    Batch methods answer in the order of the keys they were given, `None` for unknown ids.
    """

    async def record(
        self, draft: NoticeDraft, *, event: Callable[[TerminationNoticeRecord], AuditEventDraft]
    ) -> TerminationNoticeRecord:
        """Store the notice, the jurisdictions to notify and an outbox entry, in one transaction.

        `event(notice)` is stored in the audit outbox in that transaction.
        """
        ...

    async def get_many(self, ids: Sequence[int]) -> Sequence[TerminationNoticeRecord | None]:
        """Notices by id, aligned with `ids`."""
        ...

    async def list_notices(
        self, where: NoticeFilter, page: PageRequest
    ) -> Page[TerminationNoticeRecord]:
        """Notices matching `where`, oldest first (id order)."""
        ...

    async def newest_id(self) -> int | None:
        """The id of the newest notice, None when there is none."""
        ...

    async def list_after(
        self, notice_id: int | None, *, since: datetime | None = None, limit: int = 500
    ) -> list[TerminationNoticeRecord]:
        """Notices with an id above `notice_id` (or reported at or after `since`), id order."""
        ...

    async def drain_outbox(
        self, publish: Callable[[list[int]], Awaitable[None]], *, limit: int = 100
    ) -> int:
        """Hand unpublished notice ids (oldest first) to `publish`; mark them published after.

        If `publish` raises, nothing is marked and the ids are offered again next time.
        Concurrent drainers (several hub processes) do not claim the same entries where the
        database can lock rows (PostgreSQL); elsewhere a notice may be published twice, which
        subscribers tolerate. Answers how many were published.
        """
        ...
