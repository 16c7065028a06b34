"""The audit hash chain: how an event is hashed, and the walk that checks a stored chain.

`hash = sha256(prev_hash + canonical_json(fields))`, where the fields are the
event's sequence number, its time in UTC with microseconds, and what it says.
The first event's `prev_hash` is `GENESIS_HASH`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from datasources.audit import ACTIONS, OUTCOMES, AuditEventDraft, VerifyResult

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "subject",
    "role",
    "jurisdiction",
    "operation",
    "action",
    "resource",
    "record_id",
    "purpose",
    "outcome",
)


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC; SQLite hands back UTC times without their zone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def canonical_json(fields: Mapping[str, Any]) -> str:
    """One spelling per value: sorted keys, no spaces, ASCII only."""
    return _canonical_bytes(fields).decode("ascii")


def _canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    # orjson (about ten times cheaper) when its bytes are json's: pure ASCII with no escape
    # at all, so no character json would have spelled otherwise; json for anything else.
    # The fields are strings, integers and nulls, which the two spell alike.
    try:
        spelled = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits
        spelled = b"\\"
    if spelled.isascii() and b"\\" not in spelled:
        return spelled
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The hash of `event` (a mapping holding at least `HASHED_FIELDS`) after `prev_hash`."""
    fields = {name: event[name] for name in HASHED_FIELDS}
    fields["at"] = as_utc(fields["at"]).isoformat(timespec="microseconds")
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical_bytes(fields)).hexdigest()


def check_drafts(drafts: Sequence[AuditEventDraft]) -> None:
    """Refuse drafts a stored event could not hold, before anything is written."""
    for draft in drafts:
        if draft.action not in ACTIONS:
            raise ValueError(f"audit action must be one of {sorted(ACTIONS)}")
        if draft.outcome not in OUTCOMES:
            raise ValueError(f"audit outcome must be one of {sorted(OUTCOMES)}")
        if draft.at is not None and draft.at.tzinfo is None:
            raise ValueError("audit event times must carry a time zone")


def chain_rows(
    drafts: Sequence[AuditEventDraft], head_seq: int, head_hash: str, now: datetime
) -> list[dict[str, Any]]:
    """The rows that append `drafts` after the event `head_seq` whose hash is `head_hash`."""
    rows: list[dict[str, Any]] = []
    prev_hash = head_hash
    for seq, draft in enumerate(drafts, start=head_seq + 1):
        row: dict[str, Any] = {
            "seq": seq,
            "at": as_utc(draft.at or now),
            "subject": draft.subject,
            "role": draft.role,
            "jurisdiction": draft.jurisdiction,
            "operation": draft.operation,
            "action": draft.action,
            "resource": draft.resource,
            "record_id": draft.record_id,
            "purpose": draft.purpose,
            "outcome": draft.outcome,
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = event_hash(prev_hash, row)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Fault:
    seq: int
    problem: str


class ChainWalk:
    """Checks stored events fed in sequence order against the chain from an anchor.

    The anchor is the event just before the first one that should remain: the
    checkpoint of the last purged event, or genesis (seq 0). `checkpoints` maps
    later sequence numbers to the hashes recorded for them.
    """

    def __init__(
        self, anchor_seq: int, anchor_hash: str, head_seq: int, checkpoints: Mapping[int, str]
    ) -> None:
        self._expected = anchor_seq + 1
        self._prev_hash = anchor_hash
        self._head_seq = head_seq
        self._checkpoints = checkpoints
        self.checked = 0

    def feed(self, event: Mapping[str, Any]) -> Fault | None:
        """Check the next stored event; a fault names the first bad sequence number."""
        fault = self._place_fault(event["seq"]) or self._content_fault(event)
        if fault is None:
            self._prev_hash = event["hash"]
            self._expected += 1
            self.checked += 1
        return fault

    def finish(self, head_hash: str) -> Fault | None:
        """After the last stored event: the chain must end at the head, as the head says."""
        if self._expected <= self._head_seq:
            return Fault(self._expected, f"event {self._expected} is missing")
        if self._prev_hash != head_hash:
            return Fault(self._head_seq, "hash differs from the chain head's")
        beyond = [seq for seq in self._checkpoints if seq > self._head_seq]
        if beyond:
            return Fault(min(beyond), "checkpoint of an event beyond the chain head")
        return None

    def result(self, fault: Fault | None) -> VerifyResult:
        if fault is None:
            return VerifyResult(ok=True, checked=self.checked)
        return VerifyResult(False, self.checked, fault.seq, fault.problem)

    def _place_fault(self, seq: int) -> Fault | None:
        if seq < self._expected:
            return Fault(seq, f"event {seq} lies before the start of the chain")
        if self._expected > self._head_seq:
            return Fault(seq, f"event {seq} lies beyond the chain head")
        if seq > self._expected:
            return Fault(self._expected, f"event {self._expected} is missing")
        return None

    def _content_fault(self, event: Mapping[str, Any]) -> Fault | None:
        seq = event["seq"]
        if event["prev_hash"] != self._prev_hash:
            return Fault(seq, "prev_hash differs from the previous event's hash")
        if event_hash(event["prev_hash"], event) != event["hash"]:
            return Fault(seq, "hash does not match the event's contents")
        recorded = self._checkpoints.get(seq)
        if recorded is not None and recorded != event["hash"]:
            return Fault(seq, "hash differs from its checkpoint")
        return None
