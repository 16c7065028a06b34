"""The request context every resolver receives, and how it is built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from datasources.directory import DirectorySource
from datasources.fcr import FcrSource
from datasources.ndnh import NdnhSource
from datasources.offsets import OffsetSource
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


@dataclass
class Context:
    request: Request | WebSocket | None
    viewer: Viewer
    loaders: Loaders
    sources: Sources
    settings: Settings


def build_context(
    request: Request | WebSocket | None, viewer: Viewer, sources: Sources, settings: Settings
) -> Context:
    """A context with fresh per-request loaders."""
    return Context(
        request=request,
        viewer=viewer,
        loaders=build_loaders(sources),
        sources=sources,
        settings=settings,
    )
