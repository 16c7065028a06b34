"""The systems behind the hub, one adapter each, as the composition root builds them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from datasources.audit import AuditTrail
from datasources.audit_relay import AuditRelay
from datasources.blobs import BlobStore
from datasources.directory import DirectorySource
from datasources.documents import DocumentSource
from datasources.fcr import FcrSource
from datasources.identity_keys import IdentityKeySource
from datasources.ndnh import NdnhSource
from datasources.notice_bus import NoticeBus
from datasources.notices import NoticeSource
from datasources.offsets import OffsetSource
from datasources.state_systems import StateSystemSource


@dataclass(frozen=True)
class Sources:
    """One adapter per system behind the hub."""

    fcr: FcrSource
    ndnh: NdnhSource
    offsets: OffsetSource
    directory: DirectorySource
    audit: AuditTrail
    documents: DocumentSource
    blobs: BlobStore
    state_systems: StateSystemSource
    notices: NoticeSource
    bus: NoticeBus
    outbox_wake: asyncio.Event
    audit_relay: AuditRelay
    """Moves mutations' events from the sources' audit outboxes into `audit`."""
    identity_keys: IdentityKeySource | None = None
    """The identity provider's signing keys (`HUB_JWKS_URL`); None: HMAC tokens only."""
