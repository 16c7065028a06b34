"""The parts of telemetry/ one at a time: ids, names, labels, log lines, collectors."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from datasources.http_state_systems import HttpStateSystemSource
from datasources.memory_bus import InProcessNoticeBus
from datasources.outbox_relay import drain_all
from datasources.state_systems import CaseRef
from telemetry.logs import configure_logging
from telemetry.metrics import (
    count_rate_limit_refusal,
    exposition,
    watch_circuits,
)
from telemetry.operation_names import (
    ANONYMOUS,
    INVALID,
    OTHER,
    OperationLabels,
    operation_name_of,
    safe_operation_name,
)
from telemetry.request_ids import request_id_of, trace_id_of
from telemetry.requests import error_codes, note_codes, recording
from tests.telemetry.scrapes import parse, value
from transport.metrics_endpoint import build_metrics_routes


def test_trace_ids_are_taken_only_from_well_formed_traceparents():
    good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert trace_id_of(good) == "4bf92f3577b34da6a3ce929d0e0e4736"
    for bad in (
        None,
        "",
        "01-" + good[3:],
        good.upper(),
        good + "-x",
        "00-" + "0" * 32 + good[35:],
    ):
        assert trace_id_of(bad) is None, bad
    assert trace_id_of(good[:36] + "0" * 16 + good[52:]) is None
    assert request_id_of({"x-request-id": "abc", "traceparent": good}) == good[3:35]


def test_operation_names_are_graphql_names_or_a_fixed_word():
    assert safe_operation_name("Cases_2") == "Cases_2"
    assert safe_operation_name(None) == ANONYMOUS
    for hostile in ("a\nb", 'a"b', "a" * 65, "1abc", "é", 7):
        assert safe_operation_name(hostile) == INVALID
    assert operation_name_of(None, "  # c\nquery Found($a: Int) { x }") == ANONYMOUS
    assert operation_name_of(None, "\n query Found($a: Int) { x }") == "Found"
    assert operation_name_of(None, "{ x }") == ANONYMOUS
    assert operation_name_of("Given", "query Found { x }") == "Given"


def test_operation_labels_stop_growing_at_their_bound_but_keep_known_names():
    labels = OperationLabels(max_labels=3)
    labels.know(["Manifest", "bad name"])
    assert [labels.label(f"N{i}") for i in range(5)] == ["N0", "N1", "N2", OTHER, OTHER]
    assert labels.label("N1") == "N1"
    assert labels.label("Manifest") == "Manifest"
    assert labels.label(INVALID) == INVALID


def test_codes_are_noted_once_each_on_the_request_being_answered():
    note_codes(["IGNORED"])  # outside a request: nowhere to note it
    with recording("r1") as record:
        note_codes(error_codes([{"extensions": {"code": "FORBIDDEN"}}, {"message": "x"}]))
        note_codes(["FORBIDDEN", None, "FVI_PROTECTED"])
    assert record.codes == ["FORBIDDEN", "FVI_PROTECTED"]


def test_json_log_lines_parse_and_carry_the_request_id():
    stream = io.StringIO()
    configure_logging("json", stream)
    try:
        with recording("req-42"):
            logging.getLogger("hub.test").info("state system %s: circuit %s", "06", "opened")
        logging.getLogger("hub.test").warning('a "quoted"\nline', extra={"route": "/graphql"})
        configure_logging("text", stream)
        with recording("req-43"):
            logging.getLogger("hub.test").info("plain")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "hub_handler", False)]:
            root.removeHandler(handler)
    first, second, third = stream.getvalue().splitlines()
    line = json.loads(first)
    assert line["message"] == "state system 06: circuit opened"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO"
    assert {"time", "logger"} <= set(line)
    assert json.loads(second)["route"] == "/graphql"
    assert "request_id" not in json.loads(second)
    assert third.endswith("INFO hub.test plain request_id=req-43")
    assert logging.getLogger("httpx").level == logging.WARNING


def test_rate_limit_refusals_are_counted_by_a_bounded_budget():
    before = parse(exposition().decode())
    count_rate_limit_refusal("identity_search")
    count_rate_limit_refusal('x"}\n')
    after = parse(exposition().decode())
    for budget in ("identity_search", "other"):
        name = "hub_rate_limit_refusals_total"
        assert value(after, name, budget=budget) - value(before, name, budget=budget) == 1


async def test_circuit_states_are_read_when_scraped():
    # given a state system that is not there, and a breaker that opens at the first failure
    async with httpx.AsyncClient() as client:
        source = HttpStateSystemSource(
            client, urls={"T9": "http://127.0.0.1:9"}, timeout=0.5, retries=0, breaker_failures=1
        )
        watch_circuits(source)
        # when it is asked once
        await source.get_case_views([CaseRef("T9", "c-1")])
    samples = parse(exposition().decode())
    # then the scrape says the circuit is open
    name = "hub_circuit_breaker_state"
    assert value(samples, name, jurisdiction="T9", state="open") == 1
    assert value(samples, name, jurisdiction="T9", state="closed") == 0
    calls = "hub_state_system_call_duration_seconds_count"
    assert value(samples, calls, jurisdiction="T9", outcome="unavailable") >= 1


async def test_relayed_notices_are_counted():
    class Outbox:
        def __init__(self) -> None:
            self.batches = [[1, 2, 3], [4]]

        async def drain_outbox(self, publish, *, limit: int = 100) -> int:
            if not self.batches:
                return 0
            batch = self.batches.pop(0)
            await publish(batch)
            return len(batch)

    bus = InProcessNoticeBus()
    await bus.start()
    before = value(parse(exposition().decode()), "hub_notices_relayed_total")
    assert await drain_all(Outbox(), bus) == 4
    await bus.close()
    assert value(parse(exposition().decode()), "hub_notices_relayed_total") - before == 4


@pytest.mark.parametrize(("client", "status"), [(("127.0.0.1", 5), 200), (("203.0.113.9", 5), 403)])
async def test_without_a_token_metrics_are_served_to_loopback_only(
    client: tuple[str, int], status: int
):
    from starlette.applications import Starlette

    app = Starlette(routes=build_metrics_routes(""))
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        response = await http.get("/metrics")
    assert response.status_code == status
    if status == 403:
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_adapter_call_is_timed_and_its_failures_counted():
    from telemetry.sources import instrumented

    @instrumented("selftest")
    class SelftestSource:
        async def get_many(self, keys: list[int]) -> list[int]:
            return keys

        async def create(self, key: int) -> int:
            raise ValueError(f"refused {key}")

        def _private(self) -> None: ...

    source = SelftestSource()
    before = parse(exposition().decode())
    assert await source.get_many([1, 2]) == [1, 2]
    with pytest.raises(ValueError, match="refused"):
        await source.create(3)
    after = parse(exposition().decode())
    calls = "hub_source_call_duration_seconds_count"
    for method in ("get_many", "create"):
        moved = value(after, calls, source="selftest", method=method) - value(
            before, calls, source="selftest", method=method
        )
        assert moved == 1
    errors = "hub_source_call_errors_total"
    assert value(after, errors, source="selftest", method="create") == 1
    assert value(after, errors, source="selftest", method="get_many") == 0
    assert SelftestSource.get_many.__name__ == "get_many"


def test_a_json_line_carries_a_traceback_and_a_stack_when_asked():
    stream = io.StringIO()
    configure_logging("json", stream)
    try:
        try:
            raise KeyError("k")
        except KeyError:
            logging.getLogger("hub.test").exception("failed (KeyError)")
        logging.getLogger("hub.test").info("where", stack_info=True)
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "hub_handler", False)]:
            root.removeHandler(handler)
    failed, where = (json.loads(line) for line in stream.getvalue().splitlines())
    assert "KeyError" in failed["exc_info"]
    assert "Stack (most recent call last)" in where["stack_info"]
