"""Spans: one server span per request, a child per source call, no PII in any attribute."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from telemetry.tracing import configure_tracing, is_tracing, span, use_tracer_provider
from tests.conftest import Hub
from tests.log_capture import KNOWN_VALUES, pii_kind
from tests.telemetry.test_access_lines import TRACE_ID, TRACEPARENT
from tests.telemetry.test_metrics_http import SEARCH, _a_seeded_ssn

WITH_STATE_SYSTEMS = "query Workers { cases(first: 2) { edges { node { worker { name } } } } }"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    use_tracer_provider(provider)
    yield exporter
    use_tracer_provider(None)
    provider.shutdown()


def _attribute_texts(finished: tuple[ReadableSpan, ...]) -> Iterator[str]:
    for item in finished:
        yield item.name
        for key, value in (item.attributes or {}).items():
            yield f"{key}={value!s}"
        for event in item.events:
            yield f"{event.name} {dict(event.attributes or {})}"


async def test_a_request_has_a_server_span_and_a_child_per_source_call(
    client: httpx.AsyncClient, hub: Hub, spans: InMemorySpanExporter
):
    # given an SSN search and a query that asks the states' systems, the first in a trace
    ssn = _a_seeded_ssn()
    headers = hub.headers("ocss_staff", fti=True)
    search = {"query": SEARCH, "variables": {"ssn": ssn}}
    traced = await client.post(
        "/graphql", json=search, headers={**headers, "traceparent": TRACEPARENT}
    )
    assert traced.status_code == 200
    await client.post("/graphql", json={"query": WITH_STATE_SYSTEMS}, headers=headers)
    finished = spans.get_finished_spans()
    servers = [item for item in finished if item.kind == SpanKind.SERVER]
    # then each request has one server span, named by method and route, the first in the trace
    assert [item.name for item in servers] == ["POST /graphql", "POST /graphql"]
    first, second = servers
    assert first.context is not None
    assert second.context is not None
    assert format(first.context.trace_id, "032x") == TRACE_ID
    assert first.parent is not None
    assert format(first.parent.span_id, "016x") == "00f067aa0ba902b7"
    assert (first.attributes or {})["graphql.operation.name"] == "Search"
    assert (first.attributes or {})["hub.request_id"] == TRACE_ID
    # and each source call is a child of its request's span, named by source and method
    children = {
        item.name
        for item in finished
        if item.parent is not None and item.parent.span_id == first.context.span_id
    }
    assert any(name.startswith("fcr.") for name in children), children
    assert "audit.append_many" in children
    second_children = {
        item.name
        for item in finished
        if item.parent is not None and item.parent.span_id == second.context.span_id
    }
    assert "state_systems.get_case_views" in second_children, second_children
    assert "state_systems.query" in {item.name for item in finished}
    # and no attribute of any span holds an SSN, a birth date or the value searched for
    texts = list(_attribute_texts(finished))
    assert not [text for text in texts if pii_kind(text, {*KNOWN_VALUES, ssn})]
    assert not [text for text in texts if "participants(" in text or "totalCount" in text]


def test_a_failed_call_is_an_error_span_named_by_its_type_alone(spans: InMemorySpanExporter):
    # given a source call that fails with a value in its message
    with pytest.raises(RuntimeError), span("fcr.get_participants", {"hub.source": "fcr"}):
        raise RuntimeError("no participant 912-34-5678")
    # then its span is an error with the exception's type, and nothing of its message
    (failed,) = spans.get_finished_spans()
    assert failed.status.status_code == StatusCode.ERROR
    assert (failed.attributes or {})["error.type"] == "RuntimeError"
    assert not failed.events
    assert failed.status.description is None


def test_without_an_endpoint_there_is_no_tracer():
    # given no OTLP endpoint
    assert configure_tracing("") is None
    # then no span is made, and an endpoint makes a provider with the OTLP exporter
    assert not is_tracing()
    with span("fcr.get_cases", {}) as nothing:
        assert nothing is None
    provider = configure_tracing("http://127.0.0.1:9/v1/traces")
    try:
        assert provider is not None
        assert is_tracing()
    finally:
        use_tracer_provider(None)
        assert provider is not None
        provider.shutdown()
