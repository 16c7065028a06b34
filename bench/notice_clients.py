"""The clients of (g): ocss_staff subscribers over real WebSockets, and a reporting employer."""

from __future__ import annotations

import asyncio
import resource
import time
from collections import defaultdict
from contextlib import AsyncExitStack

import httpx
from websockets.exceptions import ConnectionClosed

from policy.tokens import issue_token
from settings import TokenSettings
from tests.services.graphql_ws import Subscriber, subscriber

EMPLOYER_FEIN = "90-0000001"
IDLE_SECONDS = 120.0
"""A subscriber that hears nothing for this long stops listening (a bound, not expected)."""
MUTATION_REPORT = """
mutation Report($input: ReportTerminationInput!) {
  reportTermination(input: $input) { notice { id } userErrors { code message } }
}
"""


class Arrivals:
    """Which subscriber received which notice (by global id), and when (perf_counter)."""

    def __init__(self, subscribers: int) -> None:
        self.subscribers = subscribers
        self.times: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.receivers: dict[str, set[int]] = defaultdict(set)
        self.problems: list[str] = []
        self._complete: dict[str, asyncio.Event] = {}

    def _event(self, notice_id: str) -> asyncio.Event:
        return self._complete.setdefault(notice_id, asyncio.Event())

    def record(self, notice_id: str, index: int, at: float) -> None:
        self.times[notice_id].append((index, at))
        receivers = self.receivers[notice_id]
        receivers.add(index)
        if len(receivers) >= self.subscribers:
            self._event(notice_id).set()

    async def everyone_has(self, notice_id: str, seconds: float) -> bool:
        """Wait until every subscriber received `notice_id`; False after `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                await self._event(notice_id).wait()
        except TimeoutError:
            return False
        return True

    def first_arrivals(self, notice_id: str) -> list[float]:
        """Each receiving subscriber's first arrival of `notice_id`."""
        first: dict[int, float] = {}
        for index, at in self.times.get(notice_id, []):
            first[index] = min(at, first.get(index, at))
        return list(first.values())


async def listen(socket: Subscriber, index: int, arrivals: Arrivals) -> None:
    """Record every notice this subscriber receives, until cancelled, closed or idle."""
    try:
        while True:
            message = await socket.receive(IDLE_SECONDS)
            at = time.perf_counter()
            payload = message.get("payload") or {}
            if message["type"] != "next":
                arrivals.problems.append(f"subscriber {index}: {message['type']} {payload}")
                return
            notice = (payload.get("data") or {}).get("terminationNotices")
            if payload.get("errors") or not notice:
                arrivals.problems.append(f"subscriber {index}: {str(payload)[:200]}")
                continue
            arrivals.record(str(notice["id"]), index, at)
    except (TimeoutError, ConnectionClosed) as error:
        arrivals.problems.append(f"subscriber {index}: stopped ({type(error).__name__})")


def staff_token(settings: TokenSettings) -> str:
    return issue_token(settings, role="ocss_staff", jurisdiction="FED", fti=True)


async def connect_subscriber(stack: AsyncExitStack, url: str, token: str) -> Subscriber:
    """A socket on `url`, initialised with `token` and subscribed to terminationNotices."""
    socket = await stack.enter_async_context(subscriber(url))
    ack = await socket.init(token)
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"no connection_ack from {url}: {ack}")
    await socket.subscribe()
    return socket


def allow_open_files(wanted: int) -> None:
    """Two sockets a subscriber when the server shares the process: lift a low soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


class Reporter:
    """Reports never-employed terminations as employer 90-0000001, SSNs 999-98-NNNN."""

    def __init__(self, http: httpx.AsyncClient, settings: TokenSettings) -> None:
        self.http = http
        token = issue_token(settings, role="employer", fein=EMPLOYER_FEIN)
        self.headers = {"Authorization": f"Bearer {token}"}

    async def report(self, number: int) -> str:
        """Report SSN 999-98-<number mod 10,000>; answer the notice's global id."""
        number %= 10_000
        report = {
            "employeeSsn": f"999-98-{number:04d}",
            "employeeFirstName": "Bench",
            "employeeLastName": f"Person{number}",
            "neverEmployed": True,
        }
        body = {"query": MUTATION_REPORT, "variables": {"input": report}}
        response = await self.http.post("/graphql", json=body, headers=self.headers)
        if response.status_code != 200:
            raise RuntimeError(f"reportTermination: HTTP {response.status_code}")
        answer = response.json()
        payload = (answer.get("data") or {}).get("reportTermination")
        if not payload or payload["userErrors"] or not payload["notice"]:
            raise RuntimeError(f"reportTermination refused: {str(answer)[:300]}")
        notice_id: str = payload["notice"]["id"]
        return notice_id
