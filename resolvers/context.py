"""The request context every resolver receives, and how it is built."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from datasources.audit import AuditTrail
from datasources.blobs import BlobStore
from datasources.directory import DirectorySource
from datasources.documents import DocumentSource
from datasources.fcr import FcrSource
from datasources.ndnh import NdnhSource
from datasources.notice_bus import NoticeBus
from datasources.notices import NoticeSource
from datasources.offsets import OffsetSource
from datasources.state_systems import StateSystemSource
from policy.audit import AuditLog
from policy.enforcer import PolicyDecider
from policy.tokens import Viewer
from resolvers.loaders import Loaders, build_loaders
from settings import Settings

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket


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


@dataclass
class Context:
    request: Request | WebSocket | None
    viewer: Viewer
    loaders: Loaders
    sources: Sources
    settings: Settings
    decider: PolicyDecider
    audit: AuditLog


PURPOSE_HEADER = "x-hub-purpose"


def build_context(
    request: Request | WebSocket | None,
    viewer: Viewer,
    *,
    sources: Sources,
    settings: Settings,
    decider: PolicyDecider,
) -> Context:
    """A context with fresh per-request loaders and audit log."""
    purpose = request.headers.get(PURPOSE_HEADER) if request is not None else None
    return Context(
        request=request,
        viewer=viewer,
        loaders=build_loaders(sources),
        sources=sources,
        settings=settings,
        decider=decider,
        audit=AuditLog(viewer=viewer, purpose=purpose[:64] if purpose else None),
    )
