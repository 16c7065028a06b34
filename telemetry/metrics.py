"""The hub's Prometheus metrics: one registry per process, every family named once here.

Labels are the hub's own words (sources, methods, codes, statuses, jurisdiction codes,
budgets) or bounded operation names (`telemetry.operation_names`); never a value.
Counters and histograms are bumped per request and per source call, never per field.
The circuit breakers' states are read when the registry is scraped (`watch_circuits`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from telemetry.operation_names import OperationLabels

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_OPERATION_LABELS = 200
"""Distinct operation names labelled per process before the rest are `other`."""
CIRCUIT_STATES = ("closed", "open", "half-open")

OPERATIONS = OperationLabels(MAX_OPERATION_LABELS)

REQUESTS = Counter(
    "hub_requests",
    "HTTP requests answered, by operation and status",
    ("operation", "status"),
    registry=REGISTRY,
)
REQUEST_DURATION = Histogram(
    "hub_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by operation",
    ("operation",),
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
ERRORS = Counter(
    "hub_errors",
    "Answers carrying an error of each code (once per request and code), by operation",
    ("operation", "code"),
    registry=REGISTRY,
)
SOURCE_CALL_DURATION = Histogram(
    "hub_source_call_duration_seconds",
    "One call of an adapter method (fcr, ndnh, offsets, audit, documents, notices, ...)",
    ("source", "method"),
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
SOURCE_CALL_ERRORS = Counter(
    "hub_source_call_errors",
    "Adapter calls that raised, by source and method",
    ("source", "method"),
    registry=REGISTRY,
)
STATE_SYSTEM_CALL_DURATION = Histogram(
    "hub_state_system_call_duration_seconds",
    "One request to a state's case system (with its retries), by jurisdiction and outcome",
    ("jurisdiction", "outcome"),
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
SUBSCRIPTIONS_OPEN = Gauge(
    "hub_subscriptions_open",
    "Subscription operations running over WebSocket",
    registry=REGISTRY,
)
NOTICES_RELAYED = Counter(
    "hub_notices_relayed",
    "Termination notice ids the outbox relay published on the bus",
    registry=REGISTRY,
)
AUDIT_COMMITS = Counter(
    "hub_audit_commits",
    "Group commits of audit events to the trail, by outcome",
    ("outcome",),
    registry=REGISTRY,
)
AUDIT_EVENTS_WRITTEN = Counter(
    "hub_audit_events_written",
    "Audit events committed to the trail",
    registry=REGISTRY,
)
AUDIT_COMMIT_DURATION = Histogram(
    "hub_audit_commit_duration_seconds",
    "One group commit of audit events, from its start to its commit",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
RATE_LIMIT_REFUSALS = Counter(
    "hub_rate_limit_refusals",
    "Requests and subscribes refused RATE_LIMITED, by budget",
    ("budget",),
    registry=REGISTRY,
)

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
_BUDGET = re.compile(r"[a-z][a-z0-9_]{0,39}")


def code_label(code: object) -> str:
    """An error code as a label: the contract's spelling, else `OTHER`."""
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


def count_request(operation: str, status: int, codes: Iterable[str], seconds: float) -> None:
    """One answered request: its count, its duration and its error codes."""
    label = OPERATIONS.label(operation)
    REQUESTS.labels(label, str(status)).inc()
    REQUEST_DURATION.labels(label).observe(seconds)
    for code in codes:
        ERRORS.labels(label, code_label(code)).inc()


def count_rate_limit_refusal(budget: str) -> None:
    """One refusal by the rate limit `budget` (`subject`, `role`, `identity_search`, ...)."""
    RATE_LIMIT_REFUSALS.labels(budget if _BUDGET.fullmatch(budget) else "other").inc()


def count_audit_commit(events: int, seconds: float, *, ok: bool) -> None:
    """One group commit of `events` audit events that took `seconds`."""
    AUDIT_COMMITS.labels("committed" if ok else "failed").inc()
    AUDIT_COMMIT_DURATION.observe(seconds)
    if ok:
        AUDIT_EVENTS_WRITTEN.inc(events)


class CircuitStates(Protocol):
    def circuit_states(self) -> Mapping[str, str]:
        """Each jurisdiction asked so far, and its breaker's state (`CIRCUIT_STATES`)."""
        ...


class _Circuits(Collector):
    """`hub_circuit_breaker_state{jurisdiction, state}`: 1 for the breaker's state, else 0."""

    def __init__(self) -> None:
        self.sources: weakref.WeakSet[CircuitStates] = weakref.WeakSet()

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "hub_circuit_breaker_state",
            "Each state system's circuit breaker: 1 for its current state",
            labels=("jurisdiction", "state"),
        )
        states: dict[str, str] = {}
        for source in list(self.sources):
            states.update(source.circuit_states())
        for jurisdiction, current in sorted(states.items()):
            for state in CIRCUIT_STATES:
                family.add_metric((jurisdiction, state), 1.0 if current == state else 0.0)
        yield family

    def describe(self) -> Iterator[Metric]:
        return iter(())


_CIRCUITS = _Circuits()
REGISTRY.register(_CIRCUITS)


def watch_circuits(source: CircuitStates) -> None:
    """Report `source`'s breakers on every scrape, for as long as it lives."""
    _CIRCUITS.sources.add(source)


def exposition() -> bytes:
    """The registry in Prometheus's text format."""
    return generate_latest(REGISTRY)
