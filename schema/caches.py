"""Strawberry's parser and validation caches, with large documents handled off the event loop.

Parsing and validating are synchronous CPU work: the worst document the limits accept
(`schema/limits.py`) takes a few tens of milliseconds, and on the event loop every
other request, `/healthz` included, waits that long, longer on a busy machine. A
document over `OFF_LOOP_CHARS` is parsed and validated in one worker thread instead:
the loop keeps answering (a CPU-bound thread gives up the interpreter lock every few
milliseconds), and one worker means a flood of large documents queues behind itself
rather than crowding the loop. Small documents, nearly all of them, stay inline, where
a cache hit costs microseconds. Results land in strawberry's own LRU caches either way.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from strawberry.extensions import ParserCache, ValidationCache

OFF_LOOP_CHARS = 1024
"""Documents longer than this are parsed and validated off the event loop."""
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-documents")
T = TypeVar("T")


async def _run(query: str | None, work: Callable[[], T]) -> T:
    if query is None or len(query) <= OFF_LOOP_CHARS:
        return work()
    return await asyncio.get_running_loop().run_in_executor(_WORKER, work)


class ParserCacheOffLoop(ParserCache):
    """ParserCache, parsing large documents in the worker thread."""

    async def on_parse(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        parse = functools.partial(
            self.cached_parse_document, context.query, **context.parse_options
        )
        context.graphql_document = await _run(context.query, parse)
        yield


class ValidationCacheOffLoop(ValidationCache):
    """ValidationCache, validating large documents in the worker thread."""

    async def on_validate(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        validate = functools.partial(
            self.cached_validate_document,
            context.schema._schema,
            context.graphql_document,
            context.validation_rules,
        )
        context.pre_execution_errors = await _run(context.query, validate)
        yield
