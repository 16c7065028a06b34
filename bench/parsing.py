"""(d) Parse + validate cost per request, in-process, with and without the hub's caches."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import graphql
import httpx
import strawberry
from strawberry.extensions import AddValidationRules, QueryDepthLimiter, SchemaExtension
from strawberry.extensions.validation_cache import _get_validate_cache
from strawberry.schema.config import StrawberryConfig

import schema as hub_schema
from app import build_sources
from bench.graphql_client import OCSS_STAFF
from bench.queries import CASE_LIST
from bench.report import Results
from bench.timing import Budget, Latencies, measure_sync, run_sequential
from datasources.engines import build_engines, dispose_engines
from policy.gate import load_gate
from policy.tokens import verify_token
from resolvers.context import Context, build_context
from schema.scalars import SCALAR_MAP
from settings import Settings

EXECUTE_BUDGET = Budget(count=250, seconds=4)
CORE_BUDGET = Budget(count=300, seconds=2)
VALIDATION_CACHE_SIZE = 512  # the maxsize schema.build_schema gives ValidationCache
VARIABLES = {"first": 1}  # the document is mid-size; execution is kept small


@dataclass
class Phases:
    """Durations (seconds) of the parse and validate phases of each execution."""

    parse: list[float] = field(default_factory=list)
    validate: list[float] = field(default_factory=list)

    def per_request_ms(self) -> tuple[float, float, float]:
        n = max(1, len(self.parse))
        parse, validate = sum(self.parse) / n * 1000, sum(self.validate) / n * 1000
        return parse + validate, parse, validate


class PhaseTimer(SchemaExtension):
    """Placed first, its hooks enclose every other extension's parse and validate hooks."""

    def __init__(self, phases: Phases) -> None:
        super().__init__()
        self.phases = phases

    def on_parse(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.phases.parse.append(time.perf_counter() - start)

    def on_validate(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.phases.validate.append(time.perf_counter() - start)


def _timed(built: strawberry.Schema, phases: Phases) -> strawberry.Schema:
    built.extensions = (lambda: PhaseTimer(phases), *built.extensions)
    return built


def plain_schema() -> strawberry.Schema:
    """The hub's types with strawberry's defaults: no extensions at all."""
    config = StrawberryConfig(scalar_map=SCALAR_MAP)
    return strawberry.Schema(query=hub_schema.Query, config=config)


def depth_rule_once(built: strawberry.Schema) -> strawberry.Schema:
    """Diagnostic: the hub's extensions, with the depth-limit rule class made only once."""
    extensions: list[Any] = []
    for factory in built.extensions:
        made = factory() if callable(factory) else factory
        if isinstance(made, QueryDepthLimiter):
            rules = tuple(made.validation_rules)
            extensions.append(lambda rules=rules: AddValidationRules(list(rules)))
        else:
            extensions.append(factory)
    built.extensions = tuple(extensions)
    return built


ContextFactory = Callable[[], Context]


async def _execute_loop(built: strawberry.Schema, context: ContextFactory) -> Latencies:
    async def call() -> object:
        result = await built.execute(CASE_LIST, variable_values=VARIABLES, context_value=context())
        if result.errors:
            raise RuntimeError(f"in-process execution failed: {result.errors[0]}")
        return result

    return await run_sequential(call, EXECUTE_BUDGET)


def _cache_counts() -> tuple[int, int]:
    """Hits and misses of the LRU cache every ValidationCache(maxsize=512) shares."""
    cache = cast("functools._lru_cache_wrapper[Any]", _get_validate_cache(VALIDATION_CACHE_SIZE))
    info = cache.cache_info()
    return info.hits, info.misses


CACHE_MISS_NOTE = (
    "d: the hub's ValidationCache never hit: QueryDepthLimiter is built per request and makes "
    "a new rule class each time, so the cache key (schema, document, rules) never repeats"
)


async def _variant(
    results: Results, label: str, built: strawberry.Schema, context: ContextFactory
) -> int:
    phases = Phases()
    hits_before, misses_before = _cache_counts()
    latencies = await _execute_loop(_timed(built, phases), context)
    total, parse, validate = phases.per_request_ms()
    hits_after, misses_after = _cache_counts()
    hits, misses = hits_after - hits_before, misses_after - misses_before
    results.add(
        "d",
        f"{label}: parse + validate ms/request (parse, validate)",
        f"{total:.2f} ({parse:.2f}, {validate:.2f})",
    )
    results.add(
        "d",
        f"{label}: whole execute p50 ms; ValidationCache hits/misses",
        f"{latencies.p50_ms:.1f}; {hits}/{misses}",
    )
    return hits


def _graphql_core_alone(results: Results, built: strawberry.Schema) -> None:
    parse = measure_sync(lambda: graphql.parse(CASE_LIST), CORE_BUDGET)
    document = graphql.parse(CASE_LIST)
    validate = measure_sync(lambda: graphql.validate(built._schema, document), CORE_BUDGET)
    results.add(
        "d",
        "graphql-core alone: parse, validate ms (mean)",
        f"{parse.mean_ms:.2f}, {validate.mean_ms:.2f}",
    )


async def measure_parsing(settings: Settings, results: Results) -> None:
    """Run the case-list document through three schemas in-process, timing both phases."""
    engines = build_engines(settings.database_urls)
    state_client = httpx.AsyncClient()
    sources, gate = build_sources(settings, engines, state_client), load_gate()
    header = OCSS_STAFF.header(settings.token)["Authorization"].removeprefix("Bearer ")
    viewer = verify_token(header, settings.token)

    def context() -> Context:
        return build_context(None, viewer, sources=sources, settings=settings, gate=gate)

    try:
        plain = plain_schema()
        await _variant(results, "strawberry defaults (no extensions)", plain, context)
        hub = hub_schema.build_schema(max_depth=settings.max_query_depth)
        if await _variant(results, "hub schema as built", hub, context) == 0:
            results.note(CACHE_MISS_NOTE)
        fixed = depth_rule_once(hub_schema.build_schema(max_depth=settings.max_query_depth))
        await _variant(results, "hub, depth rule made once (diagnostic)", fixed, context)
        _graphql_core_alone(results, plain)
    finally:
        await dispose_engines(engines)
        await sources.blobs.close()
        await state_client.aclose()
