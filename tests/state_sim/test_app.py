"""The state-system simulator over real HTTP, read through the QUICK adapter."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from datasources.engines import build_engine
from datasources.fcr import CaseFilter
from datasources.http_state_systems import HttpStateSystemSource
from datasources.pages import PageRequest
from datasources.sql_fcr import SqlFcrSource
from datasources.state_systems import PAYMENT_SOURCES, CaseRef, CaseViewRecord, Unavailable
from state_sim import build_state_sim_app
from state_sim.data import build_case_view
from tests.allowances import allowance
from tests.conftest import Hub
from tests.services.client_tls import CLIENT_TLS
from tests.services.servers import free_port, serve_app

TIMEOUT = 0.5
MARGIN = allowance(1.0)
SWITCHED = {"36": "slow", "48": "fail", "12": "garbage"}
DOWN = "53"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    """The simulator on a loopback port, with 36 slow, 48 failing and 12 answering garbage."""
    with serve_app(build_state_sim_app(delay=0.02, modes=SWITCHED, slow_seconds=5.0)) as url:
        yield url


@pytest.fixture
async def source(simulator: str) -> AsyncIterator[HttpStateSystemSource]:
    """The adapter against the simulator; state 53 points at a closed port."""
    closed = f"http://127.0.0.1:{free_port()}"
    async with httpx.AsyncClient(verify=CLIENT_TLS) as client:
        yield HttpStateSystemSource(
            client,
            urls=lambda code: closed if code == DOWN else simulator,
            timeout=TIMEOUT,
        )


@pytest.fixture
async def sim_http(simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=simulator, timeout=10) as client:
        yield client


def _ref(code: str, n: int = 1) -> CaseRef:
    if code.startswith("T"):
        return CaseRef(code, f"TC{code[1:]}{n:09d}")
    return CaseRef(code, f"CS{code}{n:011d}")


def _without_as_of(view: CaseViewRecord | Unavailable | None) -> object:
    assert isinstance(view, CaseViewRecord)
    assert view.financials is not None
    return replace(view, financials=replace(view.financials, as_of=EPOCH))


async def test_simulator_answers_several_states(source: HttpStateSystemSource):
    # given cases of three states and a tribe
    refs = [_ref(code, n) for code in ("06", "17", "39", "T0001") for n in (1, 2)]
    # when their views are read over HTTP
    views = await source.get_case_views(refs)
    # then each has a worker, financials and activities from its own state
    for ref, view in zip(refs, views, strict=True):
        assert isinstance(view, CaseViewRecord)
        assert view.ref == ref
        assert view.worker is not None
        assert view.financials is not None
        assert view.activities


async def test_one_bad_state_does_not_spoil_the_others(source: HttpStateSystemSource):
    # given a healthy state, a slow one, a failing one, one answering garbage and one down
    codes = ["06", "36", "48", "12", DOWN]
    refs = [_ref(code) for code in codes]
    # when all are asked at once
    started = time.monotonic()
    views = await source.get_case_views(refs)
    elapsed = time.monotonic() - started
    # then the answer arrives within the timeout plus a margin
    assert elapsed < TIMEOUT + MARGIN
    # and only the troubled states are unavailable, each for its own reason
    assert isinstance(views[0], CaseViewRecord)
    assert views[1:] == [
        Unavailable("timeout"),
        Unavailable("http 503"),
        Unavailable("bad response"),
        Unavailable("unreachable"),
    ]


async def test_a_down_state_is_reported_quickly(source: HttpStateSystemSource):
    started = time.monotonic()
    views = await source.get_case_views([_ref(DOWN)])
    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert views == [Unavailable("unreachable")]


async def test_simulator_answers_deterministically(source: HttpStateSystemSource):
    # given the same cases asked twice
    refs = [_ref("06", 5), _ref("T0003", 9)]
    # when read twice
    first = await source.get_case_views(refs)
    second = await source.get_case_views(refs)
    # then the answers are the same apart from their time of reading
    assert [_without_as_of(v) for v in first] == [_without_as_of(v) for v in second]
    # and different cases differ
    assert _without_as_of(first[0]) != _without_as_of(first[1])


async def test_simulator_leaves_out_unknown_cases(
    source: HttpStateSystemSource, sim_http: httpx.AsyncClient
):
    # given a known case and ids that the state never issued
    refs = [_ref("06"), CaseRef("06", "CS36" + "0" * 11), CaseRef("06", "nonsense")]
    # when asked raw, the answer has the known case only
    raw = await sim_http.post(
        "/states/06/cases/query", json={"caseIds": [r.state_case_id for r in refs]}
    )
    assert [case["caseId"] for case in raw.json()["cases"]] == [refs[0].state_case_id]
    # and the adapter maps the others to None
    views = await source.get_case_views(refs)
    assert isinstance(views[0], CaseViewRecord)
    assert views[1:] == [None, None]


async def test_control_switches_a_state_at_runtime(
    source: HttpStateSystemSource, sim_http: httpx.AsyncClient
):
    # given state 17 is switched to fail
    response = await sim_http.post("/control", json={"code": "17", "mode": "fail"})
    assert response.json() == {"code": "17", "mode": "fail"}
    try:
        # then it is unavailable, and the health check shows the switch
        assert await source.get_case_views([_ref("17")]) == [Unavailable("http 503")]
        health = (await sim_http.get("/healthz")).json()
        assert health == {"status": "ok", "modes": {**SWITCHED, "17": "fail"}}
    finally:
        await sim_http.post("/control", json={"code": "17", "mode": "ok"})
    # and once switched back it answers again
    assert isinstance((await source.get_case_views([_ref("17")]))[0], CaseViewRecord)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/states/99/cases/query", {"caseIds": []}, 404),
        ("/states/06/cases/query", {"caseIds": "CS06"}, 400),
        ("/states/06/cases/query", {"ids": []}, 400),
        ("/control", {"code": "06", "mode": "sleepy"}, 400),
        ("/control", {"code": "99", "mode": "ok"}, 400),
    ],
)
async def test_simulator_refuses_malformed_requests(
    sim_http: httpx.AsyncClient, path: str, body: object, status: int
):
    response = await sim_http.post(path, json=body)
    assert response.status_code == status
    assert "error" in response.json()


def test_case_views_look_like_real_cases():
    # given many simulated cases at one instant
    now = datetime(2026, 3, 15, 9, 30, tzinfo=UTC)
    views = [build_case_view("06", f"CS06{n:011d}", now) for n in range(200)]
    sources = {p.source for v in views for p in v.financials.payments_received}  # type: ignore[union-attr]
    # then they stay within realistic bounds
    assert sources <= set(PAYMENT_SOURCES)
    assert "TAX_REFUND_OFFSET" in sources
    for view in views:
        _assert_realistic(view, now)


def _assert_realistic(view: CaseViewRecord, now: datetime) -> None:
    assert view.worker is not None
    assert view.worker.email is not None
    assert view.worker.email.endswith("@cse.ca.example.org")
    assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", view.worker.phone or "")
    assert view.worker.address is not None
    assert view.worker.address.state == "CA"
    money = view.financials
    assert money is not None
    assert money.as_of == now
    assert Decimal(150) <= money.monthly_obligation <= Decimal(1500)
    assert Decimal(0) <= money.arrears <= Decimal(40000)
    assert all(p.date <= now.date() for p in money.payments_distributed)
    assert 3 <= len(view.activities) <= 15
    assert {a.code for a in view.activities} <= {"LOC", "PAT", "ORD", "IWO", "ENF", "REV", "INT"}
    dates = [a.date for a in view.activities]
    assert dates == sorted(dates)


async def test_every_seeded_case_is_known_to_its_state(sqlite_hub: Hub, simulator: str):
    # given the seeded cases of the FCR
    engine = build_engine(sqlite_hub.settings.database_urls["fcr"])
    try:
        page = await SqlFcrSource(engine).list_cases(CaseFilter(), PageRequest(first=300))
    finally:
        await engine.dispose()
    refs = [CaseRef(c.jurisdiction, c.state_case_id) for c in page.items]
    refs = [ref for ref in refs if ref.jurisdiction not in {*SWITCHED, DOWN}]
    # when their holding states are asked (with time to spare: this is about what they
    # know, not how fast; the timeout tests above are about that)
    async with httpx.AsyncClient(verify=CLIENT_TLS) as client:
        patient = HttpStateSystemSource(client, urls=lambda _code: simulator, timeout=30)
        views = await patient.get_case_views(refs)
    # then every state knows its case
    assert refs
    assert all(isinstance(view, CaseViewRecord) for view in views)
