"""What an audit event holds, and the seam the hub's policy layer writes events through.

Events name who did what to which resource and record, never the values read or
written: the store gets resource names and record ids, never an SSN, a date of
birth or Federal Tax Information.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, get_args

from datasources.pages import Page, PageRequest

AuditAction = Literal["read", "write", "deny"]
AuditOutcome = Literal["allowed", "masked", "denied", "omitted", "written", "refused"]
ACTIONS: frozenset[str] = frozenset(get_args(AuditAction))
OUTCOMES: frozenset[str] = frozenset(get_args(AuditOutcome))


class AuditTrailError(RuntimeError):
    """The audit trail could not record or change events; the caller must fail closed."""


@dataclass(frozen=True)
class AuditEventDraft:
    """An event as the policy layer hands it over; `at` None means "now" (UTC)."""

    subject: str
    role: str
    jurisdiction: str | None
    operation: str
    action: AuditAction
    resource: str
    record_id: str | None
    purpose: str | None
    outcome: AuditOutcome
    at: datetime | None = None


@dataclass(frozen=True)
class RelayedEvent:
    """An event relayed from a source's audit outbox, under the key it was stored with."""

    key: str
    draft: AuditEventDraft


@dataclass(frozen=True)
class AuditEventRecord:
    """A stored event: its place in the chain, its time (UTC) and both hashes."""

    seq: int
    at: datetime
    subject: str
    role: str
    jurisdiction: str | None
    operation: str
    action: AuditAction
    resource: str
    record_id: str | None
    purpose: str | None
    outcome: AuditOutcome
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditFilter:
    """Events of one subject, about one resource, at or after `since`; None: any."""

    subject: str | None = None
    resource: str | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class VerifyResult:
    """Whether the chain is intact, how many events were checked, and the first fault."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


class AuditTrail(Protocol):
    """An append-only, hash-chained record of the hub's sensitive reads, denials and writes.

    Each event's hash is `sha256(prev_hash + canonical_json(fields))`, its fields
    including its sequence number and time, so that altering, inserting,
    removing or reordering any event breaks the chain at that event.
    """

    async def append_many(self, drafts: Sequence[AuditEventDraft]) -> None:
        """Append `drafts` in order, in one transaction, after the newest event.

        Appends from concurrent requests and processes are serialized, so the
        chain stays gap-free. Raises when the events could not be stored; the
        caller must then refuse to answer.
        """
        ...

    async def append_relayed(self, events: Sequence[RelayedEvent]) -> int:
        """Append the events not appended before (by key), in order, in one transaction.

        What a source's audit outbox relays: an event offered again after the trail
        committed it (the relay stopped before it deleted the outbox row) is not appended
        twice. Answers how many were appended.
        """
        ...

    async def list_events(self, where: AuditFilter, page: PageRequest) -> Page[AuditEventRecord]:
        """One page of the events matching `where`, in sequence order, keyed by `str(seq)`."""
        ...

    async def verify(self) -> VerifyResult:
        """Recompute the chain from its last purge point and name the first bad event."""
        ...

    async def checkpoint(self) -> None:
        """Record the newest event's sequence number and hash as a checkpoint."""
        ...

    async def flush(self) -> None:
        """Return once every event handed in so far is committed (the process is stopping)."""
        ...

    async def purge(self, *, older_than: datetime) -> int:
        """Delete the oldest events dated before `older_than`; return how many.

        Only a run of oldest events is deleted (an event is kept while an older
        one must stay), and a checkpoint of the last deleted event lets the rest
        of the chain still verify.
        """
        ...
