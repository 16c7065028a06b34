"""The generated part of the harness: what one generated probe is, as every viewer."""

from __future__ import annotations

from graphql import GraphQLSchema
from hypothesis import strategies as st

from tests.hostile.bodies import RawBody, raw_bodies
from tests.hostile.documents import GraphQLRequest, operations
from tests.hostile.probes import HttpProbe, Probe, WsProbe, http_probe
from tests.hostile.viewers import SUBSCRIBERS, VIEWERS

_viewers = st.sampled_from([viewer.name for viewer in VIEWERS])
_subscribers = st.sampled_from([viewer.name for viewer in SUBSCRIBERS])


def _as_http(viewer: str, request: GraphQLRequest, style: int) -> HttpProbe:
    # mostly POST with escaped strings; sometimes raw UTF-8 (lone surrogates become
    # invalid bytes), sometimes GET
    return http_probe(viewer, request, get=style == 9, ascii_only=style != 8)


def _raw(viewer: str, raw: RawBody) -> HttpProbe:
    return HttpProbe(viewer, raw.body, raw.content_type, carried=raw.carried)


def probes(schema: GraphQLSchema) -> st.SearchStrategy[Probe]:
    """HTTP operations (three in six), raw HTTP bodies (one), WebSocket operations (two)."""
    http = st.builds(_as_http, _viewers, operations(schema), st.integers(0, 9))
    raw = st.builds(_raw, _viewers, raw_bodies())
    kinds = ("query", "mutation", "query", "subscription")
    ws = st.builds(WsProbe, _subscribers, operations(schema, kinds))
    return st.one_of(http, http, http, raw, ws, ws)


def describe(probe: Probe) -> str:
    return probe.describe()
