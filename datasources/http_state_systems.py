"""`StateSystemSource` over each state's HTTP case system: one request per state, bounded.

Every state is asked at once, in one request for all of its cases. A state's whole
exchange (retries included) is bounded by `timeout`, so the answer of the hub arrives
within the timeout plus a small margin whatever the states do. Idempotent reads are
retried on connect errors and 5xx answers only, and never past the deadline. A state that
fails `breaker_failures` times in a row is not asked again for `breaker_reset` seconds;
then one trial request decides whether its circuit closes again.

Log lines name the state and the failure kind, never a case id or participant data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence

import httpx

from datasources.state_system_wire import MalformedAnswer, decode_answer
from datasources.state_systems import CaseRef, CaseViewRecord, Unavailable
from telemetry.sources import instrumented, observe_state_system_call
from telemetry.tracing import span

logger = logging.getLogger(__name__)

UrlResolver = Callable[[str], str | None] | Mapping[str, str]
"""The base URL of a jurisdiction's case system, by code; None (or absent) when there is none."""

_StateAnswer = dict[str, CaseViewRecord] | Unavailable
_RETRY_PAUSE = 0.05


class _BadStatus(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"http {status}")
        self.status = status


class _Breaker:
    """Closed; open after `failures` failures in a row; after `reset` s one trial call."""

    def __init__(self, failures: int, reset: float, clock: Callable[[], float]) -> None:
        self._limit = failures
        self._reset = reset
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        waited = self._clock() - self._opened_at
        return "half-open" if self._trial or waited >= self._reset else "open"

    def allow(self) -> bool:
        """Whether a call may go out now; a half-open circuit lets exactly one through."""
        if self._opened_at is None:
            return True
        if self._trial or self._clock() - self._opened_at < self._reset:
            return False
        self._trial = True
        return True

    def record(self, ok: bool) -> str | None:
        """Count a finished call; returns "opened" or "closed" when the circuit changed."""
        was_open = self._opened_at is not None
        self._trial = False
        if ok:
            self._failures = 0
            self._opened_at = None
            return "closed" if was_open else None
        self._failures += 1
        if was_open or self._failures >= self._limit:
            self._opened_at = self._clock()
            return "opened"
        return None

    def abandon(self) -> None:
        """A trial call was cancelled before it finished: let the next call try."""
        self._trial = False


@instrumented("state_systems")
class HttpStateSystemSource:
    """`StateSystemSource` over the states' HTTP case systems (one shared pooled client)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        urls: UrlResolver,
        timeout: float = 2.0,
        retries: int = 1,
        breaker_failures: int = 5,
        breaker_reset: float = 30.0,
        max_answer_bytes: int = 8 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._urls = urls
        self._timeout = timeout
        self._retries = retries
        self._max_bytes = max_answer_bytes
        self._breaker_args = (breaker_failures, breaker_reset, clock)
        self._breakers: dict[str, _Breaker] = {}

    async def get_case_views(
        self, refs: Sequence[CaseRef]
    ) -> Sequence[CaseViewRecord | Unavailable | None]:
        by_state: dict[str, dict[str, None]] = {}
        for ref in refs:
            by_state.setdefault(ref.jurisdiction, {})[ref.state_case_id] = None
        codes = list(by_state)
        answers = await asyncio.gather(*(self._ask(code, list(by_state[code])) for code in codes))
        by_code = dict(zip(codes, answers, strict=True))
        return [_pick(by_code[ref.jurisdiction], ref) for ref in refs]

    def circuit_state(self, jurisdiction: str) -> str:
        """`closed`, `open` or `half-open` (a trial call is due or under way)."""
        breaker = self._breakers.get(jurisdiction)
        return "closed" if breaker is None else breaker.state

    def circuit_states(self) -> dict[str, str]:
        """Each jurisdiction asked so far, and its circuit's state (as `circuit_state`)."""
        return {code: breaker.state for code, breaker in self._breakers.items()}

    def _base_url(self, jurisdiction: str) -> str | None:
        if isinstance(self._urls, Mapping):
            return self._urls.get(jurisdiction)
        return self._urls(jurisdiction)

    async def _ask(self, jurisdiction: str, case_ids: list[str]) -> _StateAnswer:
        base = self._base_url(jurisdiction)
        if not base:
            logger.warning("state system %s unavailable: not configured", jurisdiction)
            return Unavailable("not configured")
        breaker = self._breakers.get(jurisdiction)
        if breaker is None:
            breaker = self._breakers[jurisdiction] = _Breaker(*self._breaker_args)
        if not breaker.allow():
            return Unavailable("circuit open")
        url = f"{base.rstrip('/')}/states/{jurisdiction}/cases/query"
        started = time.perf_counter()
        try:
            with span("state_systems.query", {"hub.jurisdiction": jurisdiction}):
                answer = await self._fetch(jurisdiction, url, case_ids)
        except BaseException:
            breaker.abandon()
            raise
        ok = not isinstance(answer, Unavailable)
        observe_state_system_call(jurisdiction, time.perf_counter() - started, ok=ok)
        change = breaker.record(ok)
        if change is not None:
            log = logger.warning if change == "opened" else logger.info
            log("state system %s: circuit %s", jurisdiction, change)
        return answer

    async def _fetch(self, jurisdiction: str, url: str, case_ids: list[str]) -> _StateAnswer:
        try:
            async with asyncio.timeout(self._timeout):
                body = await self._post_with_retries(url, case_ids)
            return decode_answer(jurisdiction, json.loads(body), frozenset(case_ids))
        except (TimeoutError, httpx.TimeoutException):
            kind = "timeout"
        except httpx.TransportError:
            kind = "unreachable"
        except _BadStatus as error:
            kind = str(error)
        except (MalformedAnswer, ValueError):
            kind = "bad response"
        except Exception as error:  # an upstream must never break the hub's answer
            kind = f"error {type(error).__name__}"
        logger.warning("state system %s unavailable: %s", jurisdiction, kind)
        return Unavailable(kind)

    async def _post_with_retries(self, url: str, case_ids: list[str]) -> bytes:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        attempt = 0
        while True:
            try:
                return await self._post(url, case_ids, deadline - loop.time())
            except (httpx.ConnectError, _BadStatus) as error:
                retryable = not isinstance(error, _BadStatus) or error.status >= 500
                pause = _RETRY_PAUSE * (attempt + 1)
                left = deadline - loop.time() - pause
                if not retryable or attempt >= self._retries or left <= 0:
                    raise
            attempt += 1
            await asyncio.sleep(pause)

    async def _post(self, url: str, case_ids: list[str], seconds: float) -> bytes:
        timeout = httpx.Timeout(max(seconds, 0.001))
        payload = {"caseIds": case_ids}
        async with self._client.stream("POST", url, json=payload, timeout=timeout) as response:
            if response.status_code != 200:
                raise _BadStatus(response.status_code)
            return await self._read_capped(response)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise MalformedAnswer("answer too large")
            chunks.append(chunk)
        return b"".join(chunks)


def _pick(answer: _StateAnswer, ref: CaseRef) -> CaseViewRecord | Unavailable | None:
    if isinstance(answer, Unavailable):
        return answer
    return answer.get(ref.state_case_id)
