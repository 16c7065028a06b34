"""The rate limits' algorithm, budgets and refusals, with a clock of the test's own."""

from __future__ import annotations

import pytest

from datasources.memory_rate_limits import PRUNE_EVERY, InProcessRateLimiter
from datasources.rate_limiter import (
    Allowance,
    RateLimiterUnavailable,
    Spent,
    gcra_step,
    parse_allowance,
    parse_allowances,
)
from policy.audit import AuditLog
from policy.rate_limits import RateLimited, RateLimits, is_identifying_search
from policy.tokens import Viewer

VIEWER = Viewer(
    subject="worker-1", role="state_worker", jurisdiction="06", fein=None, fti=False, expires_at=0
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Unreachable:
    """A limiter whose store is down."""

    async def spend(self, key: str, allowance: Allowance) -> Spent:
        raise RateLimiterUnavailable("ConnectionError")

    async def close(self) -> None:
        pass


def test_gcra_admits_the_burst_then_one_per_interval() -> None:
    # given a budget of 3 at once, one a second after
    allowance, tat, now = Allowance(burst=3, interval=1.0), None, 0.0
    outcomes = []
    # when 5 units are spent at once, then one 1 s later
    for at in (0.0, 0.0, 0.0, 0.0, 0.0, 1.0):
        now = at
        spent, new_tat = gcra_step(tat, now, allowance)
        tat = new_tat if new_tat is not None else tat
        outcomes.append(spent)
    # then 3 pass, 2 wait exactly 1 s, and the one a second later passes
    assert [spent.allowed for spent in outcomes] == [True, True, True, False, False, True]
    assert outcomes[3].retry_after == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "burst", "interval"),
    [("300/d:50", 50, 288.0), ("50/s:500", 500, 0.02), ("2/m:4", 4, 30.0), ("1/h:1", 1, 3600.0)],
)
def test_parse_allowance(text: str, burst: int, interval: float) -> None:
    assert parse_allowance(text) == Allowance(burst=burst, interval=interval)


@pytest.mark.parametrize("text", ["300", "300/w:5", "x/s:5", "0/s:5", "5/s:0", "5/s"])
def test_parse_allowance_refuses_what_is_not_a_budget(text: str) -> None:
    with pytest.raises(ValueError, match="COUNT/PERIOD:BURST|at least 1"):
        parse_allowance(text)


@pytest.mark.parametrize("text", ["state_worker=5/s:5", "=5/s:5,*=1/s:1", "*"])
def test_parse_allowances_needs_roles_and_a_default(text: str) -> None:
    with pytest.raises(ValueError, match="ROLE=|default entry"):
        parse_allowances(text)


async def test_in_process_limiter_forgets_full_buckets() -> None:
    # given many subjects that each spent once, long ago
    clock = Clock()
    limiter = InProcessRateLimiter(clock)
    allowance = Allowance(burst=2, interval=1.0)
    for index in range(PRUNE_EVERY - 1):
        await limiter.spend(f"k{index}", allowance)
    assert limiter.keys == PRUNE_EVERY - 1
    # when time passes and the sweep runs
    clock.now += 10
    await limiter.spend("late", allowance)
    # then only the key whose bucket is not full is kept
    assert limiter.keys == 1
    await limiter.close()
    assert limiter.keys == 0


async def test_refusal_is_audited_raised_and_reported() -> None:
    # given a budget of one request
    reported: list[str] = []
    limits = RateLimits(
        InProcessRateLimiter(Clock()),
        requests=parse_allowances("*=1/m:1"),
        searches=parse_allowances("*=1/d:1"),
        on_refusal=reported.append,
    )
    audit = AuditLog.for_request(VIEWER, None)
    # when two requests come at once
    await limits.admit_request(VIEWER, "Me", audit)
    with pytest.raises(RateLimited) as refused:
        await limits.admit_request(VIEWER, "Me", audit)
    # then the second waits a minute, and is in the audit log and the hook
    assert refused.value.retry_after == 60
    assert refused.value.extensions == {
        "code": "RATE_LIMITED",
        "retryAfter": 60,
        "budget": "requests",
    }
    (event,) = audit.drafts
    assert (event.subject, event.role, event.jurisdiction) == ("worker-1", "state_worker", "06")
    assert (event.operation, event.action, event.resource) == ("Me", "deny", "RateLimit.requests")
    assert reported == ["requests"]


async def test_store_down_requests_fail_open_searches_count_here() -> None:
    # given a shared store that cannot be reached
    limits = RateLimits(
        Unreachable(),
        requests=parse_allowances("*=1/h:1"),
        searches=parse_allowances("*=1/h:1"),
        local=InProcessRateLimiter(Clock()),
    )
    audit = AuditLog.for_request(VIEWER, None)
    # when the viewer goes over both budgets
    for _ in range(3):
        await limits.admit_request(VIEWER, None, audit)
    await limits.admit_search(VIEWER, None, audit)
    # then requests pass, and the second search is refused by the count in this process
    with pytest.raises(RateLimited):
        await limits.admit_search(VIEWER, None, audit)
    await limits.close()


async def test_store_back_is_used_again() -> None:
    # given a store that was down and is back
    limits = RateLimits(
        Unreachable(), requests=parse_allowances("*=1/h:1"), searches=parse_allowances("*=1/h:1")
    )
    await limits.admit_request(VIEWER, None, AuditLog.for_request(VIEWER, None))
    limits.limiter = InProcessRateLimiter(Clock())
    # when the viewer spends
    await limits.admit_request(VIEWER, None, AuditLog.for_request(VIEWER, None))
    # then the store counts again
    with pytest.raises(RateLimited):
        await limits.admit_request(VIEWER, None, AuditLog.for_request(VIEWER, None))


@pytest.mark.parametrize(
    ("coordinate", "arguments", "expected"),
    [
        ("Query.participants", {"ssn": "900-00-0001"}, True),
        ("Query.participants", {"date_of_birth": "1980-01-01"}, True),
        ("Query.participants", {"last_name": "Smith", "ssn": None}, False),
        ("Mutation.reportTermination", {"employee_ssn": "900-00-0001"}, True),
        ("Query.cases", {"ssn": "900-00-0001"}, False),
    ],
)
def test_identifying_searches(
    coordinate: str, arguments: dict[str, object], expected: bool
) -> None:
    assert is_identifying_search(coordinate, arguments) is expected


class BrokenTrail:
    """An audit trail that cannot write."""

    async def append_many(self, drafts: object) -> None:
        raise OSError("disk full")


async def test_an_unwritable_refusal_withholds_the_answer() -> None:
    # given a spent budget and an audit trail that cannot write
    from starlette.requests import Request

    from policy.gate import load_gate
    from transport.rate_limited import refuse_over_budget

    limits = RateLimits(
        InProcessRateLimiter(Clock()),
        requests=parse_allowances("*=1/h:1"),
        searches=parse_allowances("*=1/d:1"),
    )
    gate = load_gate(None, limits)
    request = Request({"type": "http", "method": "GET", "query_string": b"", "headers": []})
    trail = BrokenTrail()
    assert await refuse_over_budget(request, VIEWER, gate=gate, trail=trail) is None  # type: ignore[arg-type]
    # when the next request is refused, then it is a 503 that says when to retry
    answer = await refuse_over_budget(request, VIEWER, gate=gate, trail=trail)  # type: ignore[arg-type]
    assert answer is not None
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "3600"
