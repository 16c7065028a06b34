"""Signed audit checkpoints: what the hub publishes outside the audit database.

A checkpoint says "event `seq` of the chain had hash `hash`", when (`at`, the event's time;
`signed_at`), which key signed it (`key_id`), and the digest of the checkpoint published
before it (`prev`, None for the first), so that the published checkpoints chain too. The
document is canonical JSON (sorted keys, no spaces, ASCII); the Ed25519 signature is over
exactly those bytes, and a stored record is one JSON object: `{"checkpoint": ..., "signature":
base64}`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from datasources.audit_chain import as_utc
from datasources.audit_keys import SigningKey, VerifyKeys

VERSION = 1


class UnreadableCheckpoint(ValueError):
    """A stored record is not a checkpoint document with a signature."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    signed_at: str
    key_id: str
    prev: str | None
    v: int = VERSION

    def canonical(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("ascii")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    signature: bytes

    def record(self) -> bytes:
        """The stored form: one line of JSON."""
        document = {
            "checkpoint": asdict(self.checkpoint),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")

    def is_signed_by(self, keys: VerifyKeys) -> bool:
        return keys.is_signed(self.checkpoint.key_id, self.checkpoint.canonical(), self.signature)


def sign_checkpoint(
    key: SigningKey, *, seq: int, hash_: str, at: datetime, now: datetime, prev: str | None
) -> SignedCheckpoint:
    checkpoint = Checkpoint(
        seq=seq,
        hash=hash_,
        at=as_utc(at).isoformat(timespec="microseconds"),
        signed_at=as_utc(now).isoformat(timespec="microseconds"),
        key_id=key.id,
        prev=prev,
    )
    return SignedCheckpoint(checkpoint, key.sign(checkpoint.canonical()))


def _fields(document: Any) -> Checkpoint:
    if not isinstance(document, dict) or document.get("v") != VERSION:
        raise UnreadableCheckpoint("not a checkpoint document of version 1")
    try:
        checkpoint = Checkpoint(**document)
    except TypeError:
        raise UnreadableCheckpoint("a checkpoint document with other fields") from None
    text_fields = (checkpoint.hash, checkpoint.at, checkpoint.signed_at, checkpoint.key_id)
    if not isinstance(checkpoint.seq, int) or not all(isinstance(f, str) for f in text_fields):
        raise UnreadableCheckpoint("a checkpoint field of the wrong type")
    if checkpoint.prev is not None and not isinstance(checkpoint.prev, str):
        raise UnreadableCheckpoint("a checkpoint field of the wrong type")
    return checkpoint


def parse_record(record: bytes) -> SignedCheckpoint:
    """A stored record read back.

    Raises:
        UnreadableCheckpoint: If it is not one.
    """
    try:
        document = json.loads(record)
        signature = base64.b64decode(document["signature"], validate=True)
        return SignedCheckpoint(_fields(document["checkpoint"]), signature)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        if isinstance(error, UnreadableCheckpoint):
            raise
        raise UnreadableCheckpoint("not a JSON checkpoint record") from None
