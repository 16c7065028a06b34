"""What the Federal Case Registry holds, and the seam the hub reads it through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from datasources.addresses import AddressRecord
from datasources.audit import AuditEventDraft
from datasources.pages import Page, PageRequest


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    ssn: str
    ssn_verification: str
    first_name: str
    last_name: str
    date_of_birth: date
    date_of_death: date | None
    sex: str
    family_violence: bool


@dataclass(frozen=True)
class CaseRecord:
    id: int
    jurisdiction: str
    state_case_id: str
    case_type: str
    status: str
    has_order: bool
    opened_on: date


@dataclass(frozen=True)
class CaseRoleRecord:
    """A participant's role on a case."""

    case_id: int
    participant_id: int
    role: str


@dataclass(frozen=True)
class MisidentifiedSsnRecord:
    id: int
    participant_id: int
    ssn: str
    reported_by: str
    reported_on: date


@dataclass(frozen=True)
class ParticipantFilter:
    ssn: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    date_of_birth: date | None = None
    held_by: str | None = None
    """Only participants on a case this jurisdiction holds."""


@dataclass(frozen=True)
class CaseFilter:
    jurisdiction: str | None = None
    participant_id: int | None = None
    status: str | None = None


class FcrSource(Protocol):
    """Read access to the Federal Case Registry.

    Batch methods answer in the order of the keys they were given: `None` for an
    unknown id, an empty list for a key with nothing under it.
    """

    async def get_participants(self, ids: Sequence[int]) -> Sequence[ParticipantRecord | None]:
        """Participants by id, aligned with `ids`."""
        ...

    async def get_participants_by_ssn(
        self, ssns: Sequence[str]
    ) -> Sequence[ParticipantRecord | None]:
        """Participants by SSN (`NNN-NN-NNNN`), aligned with `ssns`."""
        ...

    async def get_cases(self, ids: Sequence[int]) -> Sequence[CaseRecord | None]:
        """Cases by id, aligned with `ids`."""
        ...

    async def list_roles_by_case(self, case_ids: Sequence[int]) -> Sequence[list[CaseRoleRecord]]:
        """Roles on each case, aligned with `case_ids`, ordered by role then participant."""
        ...

    async def list_roles_by_participant(
        self, participant_ids: Sequence[int]
    ) -> Sequence[list[CaseRoleRecord]]:
        """Each participant's roles, aligned with `participant_ids`, ordered by case id."""
        ...

    async def list_jurisdictions(self, participant_ids: Sequence[int]) -> Sequence[frozenset[str]]:
        """The jurisdictions holding a case of each participant, aligned with the ids."""
        ...

    async def list_addresses(self, participant_ids: Sequence[int]) -> Sequence[list[AddressRecord]]:
        """Each participant's locate addresses, newest first, aligned with the ids."""
        ...

    async def list_misidentified_ssns(
        self, participant_ids: Sequence[int]
    ) -> Sequence[list[MisidentifiedSsnRecord]]:
        """Each participant's misidentified SSNs, oldest first, aligned with the ids."""
        ...

    async def list_participants(
        self, where: ParticipantFilter, page: PageRequest
    ) -> Page[ParticipantRecord]:
        """Participants matching every set filter, in id order."""
        ...

    async def list_cases(self, where: CaseFilter, page: PageRequest) -> Page[CaseRecord]:
        """Cases matching every set filter, in id order."""
        ...

    async def add_misidentified_ssn(
        self,
        *,
        participant_id: int,
        ssn: str,
        reported_by: str,
        reported_on: date,
        event: Callable[[MisidentifiedSsnRecord], AuditEventDraft],
    ) -> MisidentifiedSsnRecord | None:
        """Record a misidentified SSN; None when that participant already has it reported.

        `event(report)` is stored in the audit outbox in the same transaction.
        """
        ...

    async def remove_misidentified_ssn(self, entry_id: int, *, event: AuditEventDraft) -> bool:
        """Delete one report, and store `event` in the audit outbox with the deletion.

        False when it was already gone (nothing is stored).
        """
        ...
