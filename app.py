"""The composition root: settings in, a Starlette app with every source wired out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from datasources.engines import build_engines, dispose_engines
from datasources.file_directory import load_directory
from datasources.sql_audit import SqlAuditTrail
from datasources.sql_fcr import SqlFcrSource
from datasources.sql_ndnh import SqlNdnhSource
from datasources.sql_offsets import SqlOffsetSource
from ide import build_ide_routes
from policy.authentication import BearerAuthentication
from policy.enforcer import PolicyDecider
from policy.reloading import policy_reloading
from policy.retention import purge_on_schedule
from resolvers.context import Sources
from resolvers.endpoint import BodySizeLimit, HubGraphQL
from schema import build_schema
from settings import Settings, load_settings


class State(TypedDict):
    engines: dict[str, AsyncEngine]
    sources: Sources


def build_sources(settings: Settings, engines: dict[str, AsyncEngine]) -> Sources:
    """One adapter per system, each on its own engine."""
    return Sources(
        fcr=SqlFcrSource(engines["fcr"]),
        ndnh=SqlNdnhSource(engines["ndnh"]),
        offsets=SqlOffsetSource(engines["offsets"]),
        directory=load_directory(settings.directory_file),
        audit=SqlAuditTrail(engines["audit"]),
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the hub; engines open on startup and close on shutdown."""
    settings = settings or load_settings()
    engines = build_engines(settings.database_urls)
    sources = build_sources(settings, engines)
    decider = PolicyDecider()
    graphql = HubGraphQL(
        build_schema(
            max_depth=settings.max_query_depth, hide_suggestions=not settings.is_development
        ),
        sources=sources,
        settings=settings,
        decider=decider,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        purging = asyncio.create_task(
            purge_on_schedule(sources.audit, settings.audit_purge_interval_seconds)
        )
        async with policy_reloading(decider, watch=settings.is_development):
            yield {"engines": engines, "sources": sources}
        purging.cancel()
        await dispose_engines(engines)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            *build_ide_routes(),
        ],
        middleware=[
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(BearerAuthentication, settings=settings.token),
        ],
        lifespan=lifespan,
    )
    app.state.engines = engines
    app.state.decider = decider
    return app
