"""The request context every resolver receives, and how it is built.

Loaders and the audit log live for one operation: an HTTP request, or one `subscribe`
on a WebSocket (whose viewer comes from the connection's `connection_init`). A
subscription's results are each executed afresh, so each gets new loaders too: a
subscription lives for hours, and loaders kept across its results would answer from
what they cached at the first one (a participant's name, the cases that make the
participant one's own, on which the policy decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from datasources.sources import Sources
from policy.audit import AuditLog
from policy.gate import Gate
from policy.tokens import Viewer
from resolvers.loaders import Loaders, build_loaders
from settings import Settings

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket


@dataclass
class Context:
    request: Request | WebSocket | None
    viewer: Viewer
    loaders: Loaders
    sources: Sources
    settings: Settings
    gate: Gate
    audit: AuditLog


PURPOSE_HEADER = "x-hub-purpose"


def build_context(
    request: Request | WebSocket | None,
    viewer: Viewer,
    *,
    sources: Sources,
    settings: Settings,
    gate: Gate,
) -> Context:
    """A context with fresh per-request loaders and audit log."""
    purpose = request.headers.get(PURPOSE_HEADER) if request is not None else None
    return Context(
        request=request,
        viewer=viewer,
        loaders=build_loaders(sources),
        sources=sources,
        settings=settings,
        gate=gate,
        audit=AuditLog.for_request(viewer, purpose),
    )


def build_operation_context(connection: Context) -> Context:
    """A context for one operation on a WebSocket: the connection's viewer, all else fresh."""
    return build_context(
        connection.request,
        connection.viewer,
        sources=connection.sources,
        settings=connection.settings,
        gate=connection.gate,
    )


def renew_for_next_result(context: Context) -> None:
    """Fresh loaders and audit log for a subscription's next result (sent results are done)."""
    context.loaders = build_loaders(context.sources)
    context.audit = AuditLog.for_request(context.viewer, context.audit.purpose)
