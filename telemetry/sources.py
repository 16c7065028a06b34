"""Per-call latency, errors and spans of the adapters, by source and method.

`instrumented("fcr")` wraps each public coroutine method of an adapter class once, at
import: a call costs two clock reads, one histogram observation and, with tracing on, a
span named `<source>.<method>`. Only the source and the method are recorded: never an
argument (a key may be an SSN) or a statement's parameters.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any, TypeVar

from telemetry.metrics import SOURCE_CALL_DURATION, SOURCE_CALL_ERRORS, STATE_SYSTEM_CALL_DURATION
from telemetry.tracing import span

C = TypeVar("C", bound=type)


def instrumented(source: str) -> Callable[[C], C]:
    """Time every public coroutine method of the decorated adapter class as `source`."""

    def decorate(cls: C) -> C:
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.iscoroutinefunction(member):
                setattr(cls, name, _timed(source, name, member))
        return cls

    return decorate


def _timed(
    source: str, method: str, function: Callable[..., Awaitable[Any]]
) -> Callable[..., Awaitable[Any]]:
    duration = SOURCE_CALL_DURATION.labels(source, method)
    errors = SOURCE_CALL_ERRORS.labels(source, method)
    name = f"{source}.{method}"
    attributes = {"hub.source": source, "hub.method": method}

    @functools.wraps(function)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = perf_counter()
        try:
            with span(name, attributes):
                return await function(*args, **kwargs)
        except Exception:
            errors.inc()
            raise
        finally:
            duration.observe(perf_counter() - started)

    return timed


def observe_state_system_call(jurisdiction: str, seconds: float, *, ok: bool) -> None:
    """One request to a state's case system, retries included."""
    STATE_SYSTEM_CALL_DURATION.labels(jurisdiction, "ok" if ok else "unavailable").observe(seconds)
