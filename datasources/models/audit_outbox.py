"""The audit outbox table that each database a mutation changes holds, one per source.

A mutation's audit event is inserted here in the change's own transaction; the relay
(`datasources.audit_relay`) moves it into the trail and then deletes it. `key` names the
event once and for all: the trail records the keys it appended (`audit_relayed`), so an
event relayed twice (a relay that stopped after the trail committed) is appended once.
`event` holds the draft's fields as JSON: names, roles, resources and record ids, never a
value read or written.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

KEY_LENGTH = 32  # a UUID4 in hex


def outbox_table_name(source: str) -> str:
    """Named after its source: sources configured with one database URL share that database."""
    return f"{source}_audit_outbox"


def audit_outbox_table(metadata: MetaData, source: str) -> Table:
    """`source`'s audit outbox, declared in that source's metadata."""
    return Table(
        outbox_table_name(source),
        metadata,
        Column("id", Integer, primary_key=True),
        Column("key", String(KEY_LENGTH), nullable=False, unique=True),
        Column("event", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
