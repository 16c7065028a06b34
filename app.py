"""The composition root: settings in, a Starlette app with every source wired out."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import httpx
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from datasources.audit_anchor import build_checkpoint_publisher
from datasources.audit_outbox import build_audit_outboxes
from datasources.audit_relay import AuditRelay
from datasources.audit_trails import build_audit_trail
from datasources.blob_stores import build_blob_store
from datasources.engines import build_engines, dispose_engines
from datasources.file_directory import load_directory
from datasources.http_jwks import build_identity_keys
from datasources.http_state_systems import HttpStateSystemSource
from datasources.memory_bus import InProcessNoticeBus
from datasources.memory_rate_limits import InProcessRateLimiter
from datasources.notice_bus import NoticeBus
from datasources.outbox_relay import relay_outbox
from datasources.rate_limiter import RateLimiter
from datasources.redis_bus import RedisStreamNoticeBus
from datasources.redis_rate_limits import RedisRateLimiter
from datasources.sources import Sources
from datasources.sql_documents import SqlDocumentSource
from datasources.sql_fcr import SqlFcrSource
from datasources.sql_ndnh import SqlNdnhSource
from datasources.sql_notices import SqlNoticeSource
from datasources.sql_offsets import SqlOffsetSource
from policy.gate import load_gate
from policy.rate_limits import RateLimits
from policy.reloading import policy_reloading
from policy.retention import purge_on_schedule
from schema import build_schema
from settings import Settings, load_settings
from telemetry.metrics import OPERATIONS, count_rate_limit_refusal, watch_circuits
from telemetry.tracing import configure_tracing
from transport.bearer import BearerAuthentication
from transport.body_limit import BodySizeLimit
from transport.cors import build_cors_middleware
from transport.downloads import build_download_routes
from transport.draining import Draining
from transport.graphiql import build_ide_routes
from transport.graphql_http import HubGraphQL
from transport.health import build_health_routes
from transport.metrics_endpoint import build_metrics_routes
from transport.observed_requests import ObservedRequests
from transport.persisted_documents import build_persisted_documents
from transport.readiness import build_readiness
from transport.source_scope import SourceScope

# pooled connections to the states' case systems, shared by every request
STATE_SYSTEM_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class State(TypedDict):
    engines: dict[str, AsyncEngine]
    sources: Sources


def build_sources(
    settings: Settings, engines: dict[str, AsyncEngine], state_client: httpx.AsyncClient
) -> Sources:
    """One adapter per system, each on its own engine or client."""
    audit = build_audit_trail(settings, engines["audit"])
    return Sources(
        fcr=SqlFcrSource(engines["fcr"]),
        ndnh=SqlNdnhSource(engines["ndnh"]),
        offsets=SqlOffsetSource(engines["offsets"]),
        directory=load_directory(settings.directory_file),
        audit=audit,
        audit_relay=AuditRelay(build_audit_outboxes(engines), audit),
        documents=SqlDocumentSource(engines["documents"]),
        blobs=build_blob_store(settings),
        notices=SqlNoticeSource(engines["notices"]),
        bus=build_bus(settings),
        outbox_wake=asyncio.Event(),
        state_systems=HttpStateSystemSource(
            state_client,
            urls=settings.state_system_url,
            timeout=settings.state_system_timeout,
        ),
        identity_keys=build_identity_keys(settings.token.jwks),
    )


def build_bus(settings: Settings) -> NoticeBus:
    """Redis Streams across processes when HUB_REDIS_URL is set, else in-process."""
    if settings.redis_url:
        return RedisStreamNoticeBus(
            Redis.from_url(settings.redis_url), stream=settings.redis_stream
        )
    return InProcessNoticeBus()


def build_rate_limits(settings: Settings) -> RateLimits:
    """Budgets counted in Redis across processes when HUB_REDIS_URL is set, else here."""
    limits = settings.rate_limits
    limiter: RateLimiter = InProcessRateLimiter()
    if settings.redis_url:  # short timeouts, no retries: a lost Redis costs a request little
        redis = Redis.from_url(
            settings.redis_url, socket_timeout=2.0, socket_connect_timeout=1.0, retry=None
        )
        limiter = RedisRateLimiter(redis, prefix=limits.prefix)
    return RateLimits(limiter, requests=limits.requests, searches=limits.searches)


def create_app(settings: Settings | None = None, *, draining: Draining | None = None) -> Starlette:
    """Build the hub; engines open on startup and close on shutdown.

    `draining` is the server's (`hub serve`): it closes the hub's WebSockets on SIGTERM.
    """
    settings = settings or load_settings()
    engines = build_engines(settings.database_urls)
    state_client = httpx.AsyncClient(limits=STATE_SYSTEM_LIMITS)
    sources = build_sources(settings, engines, state_client)
    watch_circuits(sources.state_systems)  # type: ignore[arg-type]
    publisher = build_checkpoint_publisher(settings, sources.audit, engines["audit"])
    persisted = build_persisted_documents(settings)
    OPERATIONS.know(persisted.operation_names())  # the manifest's names stay metric labels
    limits = build_rate_limits(settings)
    limits.on_refusal = count_rate_limit_refusal
    gate = load_gate(settings.policy_file, limits)
    graphql = HubGraphQL(
        build_schema(
            max_depth=settings.max_query_depth, hide_suggestions=not settings.is_development
        ),
        sources=sources,
        settings=settings,
        gate=gate,
        draining=draining,
        persisted=persisted,
    )
    readiness = build_readiness(settings, engines, gate, graphql.draining)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        tracing = configure_tracing(settings.otlp_endpoint)
        await sources.bus.start()
        await sources.audit_relay.drain_within()  # what a stopped process left
        tasks = [
            asyncio.create_task(
                purge_on_schedule(sources.audit, settings.audit_purge_interval_seconds)
            ),
            asyncio.create_task(
                relay_outbox(sources.notices, sources.bus, wake=sources.outbox_wake)
            ),
            asyncio.create_task(sources.audit_relay.run()),
        ]
        if publisher is not None:
            interval = settings.audit_checkpoint_interval_seconds
            tasks.append(asyncio.create_task(publisher.run(interval)))
        if sources.identity_keys is not None:
            tasks.append(asyncio.create_task(sources.identity_keys.refresh_periodically()))
        async with policy_reloading(gate, watch=settings.is_development):
            # what the process built to start (schema, policy, modules) lives as long as it:
            # frozen out of the cyclic collector, which otherwise walks it on every full
            # collection (a 50-case answer's allocations cost about a fifth more without)
            gc.collect()
            gc.freeze()
            yield {"engines": engines, "sources": sources}
            gc.unfreeze()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await sources.audit_relay.drain_within()
        await sources.bus.close()
        await sources.audit.flush()  # what requests left queued, before the engines close
        await readiness.close()
        await dispose_engines(engines)
        await sources.blobs.close()
        if publisher is not None:
            await publisher.close()
        await persisted.close()
        if gate.limits is not None:
            await gate.limits.close()
        await state_client.aclose()
        if tracing is not None:
            tracing.shutdown()  # the spans still batched leave now
        if sources.identity_keys is not None:
            await sources.identity_keys.close()

    app = Starlette(
        routes=[
            Route("/graphql", graphql),  # every method: the view answers 405 with a code
            WebSocketRoute("/graphql", graphql),
            *build_metrics_routes(settings.metrics_token),
            *build_health_routes(readiness),
            *build_ide_routes(settings),
            *build_download_routes(sources=sources, settings=settings, gate=gate),
        ],
        middleware=[
            Middleware(ObservedRequests),
            *build_cors_middleware(settings.cors_origins),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(BearerAuthentication, settings=settings.token, keys=sources.identity_keys),
            Middleware(SourceScope),
        ],
        lifespan=lifespan,
    )
    app.state.engines = engines
    app.state.plans = graphql.plans
    app.state.gate = gate
    app.state.draining = graphql.draining
    app.state.persisted = persisted
    return app
