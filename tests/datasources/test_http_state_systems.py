"""The QUICK adapter against scripted state systems (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from datasources.http_state_systems import HttpStateSystemSource
from datasources.state_system_wire import encode_answer
from datasources.state_systems import CaseRef, CaseViewRecord, Unavailable
from state_sim.data import build_case_view

BASE = "http://states.test"
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def _case_id(code: str, n: int) -> str:
    return f"CS{code}{n:011d}"


def _ok_answer(
    request: httpx.Request, *, known: Callable[[str], bool] = lambda _: True
) -> dict[str, Any]:
    code = request.url.path.split("/")[2]
    ids = json.loads(request.content)["caseIds"]
    return encode_answer(code, [build_case_view(code, cid, NOW) for cid in ids if known(cid)])


class Upstream:
    """A scripted set of state systems that records every request."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.handler = handler or self.ok

    async def ok(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=_ok_answer(request))

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.handler(request)

    def source(self, **options: object) -> HttpStateSystemSource:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self))
        options.setdefault("urls", lambda code: BASE)
        return HttpStateSystemSource(client, **options)  # type: ignore[arg-type]


def _refs(code: str, count: int, start: int = 1) -> list[CaseRef]:
    return [CaseRef(code, _case_id(code, n)) for n in range(start, start + count)]


async def test_get_case_views_sends_one_request_per_state():
    # given 30 cases across three states, interleaved
    upstream = Upstream()
    source = upstream.source()
    by_state = [_refs("06", 10), _refs("36", 10), _refs("48", 10)]
    refs = [ref for trio in zip(*by_state, strict=True) for ref in trio]
    # when their views are asked for in one call
    views = await source.get_case_views(refs)
    # then each state got exactly one request carrying all of its cases
    assert len(upstream.requests) == 3
    paths = sorted(request.url.path for request in upstream.requests)
    assert paths == [f"/states/{code}/cases/query" for code in ("06", "36", "48")]
    for request in upstream.requests:
        assert len(json.loads(request.content)["caseIds"]) == 10
    # and the answers are aligned with the refs
    assert [view.ref for view in views if isinstance(view, CaseViewRecord)] == refs


async def test_get_case_views_gives_none_for_unknown_cases_and_repeats_duplicates():
    # given a state that knows only even case numbers
    async def even_only(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json=_ok_answer(request, known=lambda cid: int(cid[4:]) % 2 == 0)
        )

    upstream = Upstream(even_only)
    refs = [CaseRef("06", _case_id("06", n)) for n in (2, 3, 4, 2)]
    # when asked, with one case twice
    views = await upstream.source().get_case_views(refs)
    # then unknown cases are None, and the duplicate was asked once but answered twice
    seen = [view.ref if isinstance(view, CaseViewRecord) else view for view in views]
    assert seen == [refs[0], None, refs[2], refs[0]]
    asked = json.loads(upstream.requests[0].content)["caseIds"]
    assert asked == [ref.state_case_id for ref in refs[:3]]


async def test_get_case_views_decodes_worker_money_and_sorted_history():
    # given a state that sends its payments newest first
    async def reversed_history(request: httpx.Request) -> httpx.Response:
        answer = _ok_answer(request)
        for case in answer["cases"]:
            case["financials"]["paymentsReceived"].reverse()
            case["activities"].reverse()
        return httpx.Response(200, json=answer)

    ref = CaseRef("06", _case_id("06", 7))
    # when its view is read
    (view,) = await Upstream(reversed_history).source().get_case_views([ref])
    # then it equals the state's own record, history oldest first
    assert view == build_case_view("06", ref.state_case_id, NOW)
    assert isinstance(view, CaseViewRecord)
    assert view.financials is not None
    assert isinstance(view.financials.arrears, Decimal)
    dates = [p.date for p in view.financials.payments_received]
    assert dates == sorted(dates)


GARBAGE = {
    "not json": b'{"jurisdiction": "36", "cases": [',
    "html": b"<html>maintenance</html>",
    "another state": b'{"jurisdiction": "06", "cases": []}',
    "cases not a list": b'{"jurisdiction": "36", "cases": {}}',
    "unasked case": b'{"jurisdiction": "36", "cases": [{"caseId": "X", "worker": null,'
    b' "financials": null, "activities": []}]}',
    "money as number": None,
    "naive asOf": None,
    "bad date": None,
}


def _spoiled(kind: str, request: httpx.Request) -> bytes:
    if GARBAGE[kind] is not None:
        return GARBAGE[kind]  # type: ignore[return-value]
    answer = _ok_answer(request)
    money = answer["cases"][0]["financials"]
    if kind == "money as number":
        money["arrears"] = 12.5
    elif kind == "naive asOf":
        money["asOf"] = "2026-05-01T12:00:00"
    else:
        answer["cases"][0]["activities"][0]["date"] = "2026-02-30"
    return json.dumps(answer).encode()


@pytest.mark.parametrize("kind", list(GARBAGE))
async def test_get_case_views_gives_unavailable_for_a_state_answering_garbage(kind: str):
    # given state 36 answers garbage and state 06 answers well
    async def handler(request: httpx.Request) -> httpx.Response:
        if "/36/" in request.url.path:
            return httpx.Response(200, content=_spoiled(kind, request))
        return httpx.Response(200, json=_ok_answer(request))

    refs = _refs("36", 2) + _refs("06", 2)
    # when both are asked
    views = await Upstream(handler).source().get_case_views(refs)
    # then only state 36's cases are unavailable
    assert views[:2] == [Unavailable("bad response")] * 2
    assert len(views) == len(refs)
    assert all(isinstance(view, CaseViewRecord) for view in views[2:])


async def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("handler", "tries", "reason"),
    [
        (lambda request: _respond(503), 2, "http 503"),
        (lambda request: _respond(404), 1, "http 404"),
        (_refused, 2, "unreachable"),
    ],
)
async def test_get_case_views_retries_only_connect_errors_and_5xx_once(
    handler: Handler, tries: int, reason: str, caplog: pytest.LogCaptureFixture
):
    # given a state that always fails the same way
    upstream = Upstream(handler)
    refs = _refs("36", 3)
    # when asked
    with caplog.at_level(logging.WARNING, logger="datasources.http_state_systems"):
        views = await upstream.source(retries=1).get_case_views(refs)
    # then it was retried only when that may help, and the log names the state and failure only
    assert len(upstream.requests) == tries
    assert views == [Unavailable(reason)] * 3
    assert f"state system 36 unavailable: {reason}" in caplog.text
    assert not any(ref.state_case_id in caplog.text for ref in refs)


async def test_get_case_views_recovers_when_the_retry_succeeds():
    # given a state whose first answer is a 502
    upstream = Upstream()
    answers = iter([httpx.Response(502)])

    async def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or await upstream.ok(request)

    upstream.handler = flaky
    # when asked
    views = await upstream.source().get_case_views(_refs("36", 2))
    # then the retry's answer counts
    assert len(upstream.requests) == 2
    assert len(views) == 2
    assert all(isinstance(view, CaseViewRecord) for view in views)


async def test_get_case_views_answers_within_the_timeout_when_a_state_stalls():
    # given state 36 takes ten seconds, state 06 answers at once
    async def stalls(request: httpx.Request) -> httpx.Response:
        if "/36/" in request.url.path:
            await asyncio.sleep(10)
        return httpx.Response(200, json=_ok_answer(request))

    source = Upstream(stalls).source(timeout=0.5)
    # when both are asked
    started = time.monotonic()
    views = await source.get_case_views(_refs("36", 1) + _refs("06", 1))
    # then the answer arrives within the timeout plus a margin, with 36 unavailable
    assert time.monotonic() - started < 1.5
    assert views[0] == Unavailable("timeout")
    assert isinstance(views[1], CaseViewRecord)


async def test_get_case_views_never_raises_for_an_unexpected_upstream_error():
    async def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    views = await Upstream(broken).source().get_case_views(_refs("36", 1))
    assert views == [Unavailable("error RuntimeError")]


async def test_get_case_views_refuses_an_oversized_answer():
    async def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b" " * 5000)

    views = await Upstream(huge).source(max_answer_bytes=1000).get_case_views(_refs("36", 1))
    assert views == [Unavailable("bad response")]


async def test_get_case_views_gives_unavailable_for_a_state_without_a_system():
    upstream = Upstream()
    source = upstream.source(urls={"06": BASE})
    views = await source.get_case_views(_refs("36", 1) + _refs("06", 1))
    assert views[0] == Unavailable("not configured")
    assert isinstance(views[1], CaseViewRecord)
    assert [request.url.path for request in upstream.requests] == ["/states/06/cases/query"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_circuit_opens_after_consecutive_failures_and_half_opens_after_reset():
    # given a failing state, a breaker of 3 failures and a 30 s reset
    upstream = Upstream(lambda request: _respond(500))
    clock = FakeClock()
    source = upstream.source(retries=0, breaker_failures=3, breaker_reset=30.0, clock=clock)
    refs = _refs("36", 1)
    # when it fails three times
    for _ in range(3):
        assert await source.get_case_views(refs) == [Unavailable("http 500")]
    # then the circuit is open and no request goes out
    assert source.circuit_state("36") == "open"
    assert await source.get_case_views(refs) == [Unavailable("circuit open")]
    assert len(upstream.requests) == 3
    # when the reset time passes, one trial goes out; it fails and the circuit opens again
    clock.now += 30
    assert source.circuit_state("36") == "half-open"
    assert await source.get_case_views(refs) == [Unavailable("http 500")]
    assert len(upstream.requests) == 4
    assert await source.get_case_views(refs) == [Unavailable("circuit open")]
    assert len(upstream.requests) == 4
    # when the state recovers and the next trial succeeds, the circuit closes
    clock.now += 30
    upstream.handler = upstream.ok
    assert isinstance((await source.get_case_views(refs))[0], CaseViewRecord)
    assert source.circuit_state("36") == "closed"


async def test_half_open_circuit_lets_exactly_one_trial_through():
    # given an open circuit whose reset time has passed
    upstream = Upstream(lambda request: _respond(500))
    clock = FakeClock()
    source = upstream.source(retries=0, breaker_failures=1, clock=clock)
    refs = _refs("36", 1)
    await source.get_case_views(refs)
    clock.now += 60

    async def slow_ok(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return await upstream.ok(request)

    upstream.handler = slow_ok
    # when two callers ask at once
    first, second = await asyncio.gather(source.get_case_views(refs), source.get_case_views(refs))
    # then one request went out (the trial) and the other caller was turned away
    assert len(upstream.requests) == 2
    assert isinstance(first[0], CaseViewRecord)
    assert second == [Unavailable("circuit open")]


async def test_circuits_are_per_state():
    async def handler(request: httpx.Request) -> httpx.Response:
        if "/36/" in request.url.path:
            return httpx.Response(500)
        return httpx.Response(200, json=_ok_answer(request))

    source = Upstream(handler).source(retries=0, breaker_failures=1)
    await source.get_case_views(_refs("36", 1) + _refs("06", 1))
    views = await source.get_case_views(_refs("36", 1) + _refs("06", 1))
    assert views[0] == Unavailable("circuit open")
    assert isinstance(views[1], CaseViewRecord)
    assert source.circuit_state("06") == "closed"


async def _respond(status: int) -> httpx.Response:
    return httpx.Response(status, json={"error": "unavailable"})
