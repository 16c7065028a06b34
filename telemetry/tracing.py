"""OpenTelemetry spans: one server span per request, one span per source call.

Off by default: with `HUB_OTLP_ENDPOINT` empty no provider is installed, `span` is a
`nullcontext` and nothing is created. With an endpoint, spans leave through the OTLP
HTTP exporter in batches. Attributes are the hub's own words (route, method, status,
source, method name, jurisdiction code, bounded operation name, request id, role, codes):
never an SQL parameter, a variable or a field's value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

SERVICE_NAME = "child-support-hub"
Attributes = Mapping[str, str | int | float | bool]

_tracer: Tracer | None = None
_PROPAGATOR = TraceContextTextMapPropagator()


def use_tracer_provider(provider: TracerProvider | None) -> None:
    """Make spans with `provider` from now on (None: make none)."""
    global _tracer
    _tracer = None if provider is None else provider.get_tracer("hub")


def configure_tracing(endpoint: str) -> TracerProvider | None:
    """Export spans to the OTLP HTTP `endpoint` (e.g. `http://collector:4318/v1/traces`)."""
    if not endpoint:
        use_tracer_provider(None)
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    use_tracer_provider(provider)
    return provider


def is_tracing() -> bool:
    return _tracer is not None


def span(name: str, attributes: Attributes) -> AbstractContextManager[Span | None]:
    """A child span of the current one, or nothing when tracing is off."""
    if _tracer is None:
        return nullcontext()
    return _span(_tracer, name, attributes, None, SpanKind.INTERNAL)


def server_span(
    name: str, headers: Mapping[str, str], attributes: Attributes
) -> AbstractContextManager[Span | None]:
    """The span of one request, continuing the trace of its `traceparent` if it has one."""
    if _tracer is None:
        return nullcontext()
    parent = _PROPAGATOR.extract(carrier=dict(headers))
    return _span(_tracer, name, attributes, parent, SpanKind.SERVER)


@contextmanager
def _span(
    tracer: Tracer, name: str, attributes: Attributes, parent: Context | None, kind: SpanKind
) -> Iterator[Span]:
    """A span that records an exception by its type alone.

    OpenTelemetry's own recording writes the exception's message and traceback as
    attributes, and a driver's message can hold the statement's parameters.
    """
    with tracer.start_as_current_span(
        name,
        context=parent,
        kind=kind,
        attributes=dict(attributes),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except Exception as error:
            current.set_attribute("error.type", type(error).__name__)
            current.set_status(Status(StatusCode.ERROR))
            raise


__all__ = [
    "configure_tracing",
    "is_tracing",
    "server_span",
    "span",
    "use_tracer_provider",
]
