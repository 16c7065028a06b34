"""Two live hubs over the same databases, the standard executor's and the compiled plans'.

A request is sent twice to the hub with compiled plans (`HUB_COMPILED_PLANS=on`: the
first sight runs the standard path, the second is served by a plan) and once to the hub
without (`off`); an `Exchange` holds the three answers, the audit events each recorded
and what the plan layer's counters (`app.state.plans.stats`) say about the second send.

Each request's token has a subject of its own, so the events a send recorded are the
events of that subject after the newest one seen before it: sends are sequential, and
an answer leaves only after its events are stored.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace

import httpx
from starlette.applications import Starlette

from app import create_app
from datasources.audit import AuditEventRecord, AuditFilter, AuditTrail
from datasources.engines import build_engine
from datasources.pages import PageRequest
from datasources.sql_audit import SqlAuditTrail
from settings import Settings
from tests.plans.redaction import body_diff
from tests.services.servers import serve_app

EventKey = tuple[str, str, str, str | None, str, str, str, str | None, str | None]
"""operation, action, resource, record_id, outcome, role, subject, jurisdiction, purpose."""
EVENTS_PAGE = 500
STATS = ("compiled", "served", "fallback")


def new_subject(name: str) -> str:
    """A token subject no other request of the session has."""
    return f"diff-{name[:40]}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Request:
    """One HTTP request to compare: a POST with a JSON body, or a GET with `params`."""

    name: str
    subject: str
    headers: Mapping[str, str] = field(repr=False)
    body: Mapping[str, object] | None = field(default=None, repr=False)
    params: Mapping[str, str] | None = field(default=None, repr=False)
    content: bytes | None = field(default=None, repr=False)
    """A POST of these bytes as they are (the headers name their type), instead of `body`."""


@dataclass(frozen=True)
class Answer:
    """What came back, and the audit events the request recorded (a multiset)."""

    status: int
    content_type: str
    body: bytes = field(repr=False)
    """Not in the repr: a failure's report shows bodies only redacted (`body_diff`)."""
    events: Counter[EventKey] = field(repr=False)


@dataclass(frozen=True)
class Exchange:
    request: Request
    first: Answer
    """The first send to the compiled hub."""
    second: Answer
    """The second send to the compiled hub: the one a plan serves."""
    standard: Answer
    """The send to the standard hub."""
    stats: Mapping[str, int] | None
    """How the plan layer's counters grew over the second send; None: it has none."""

    @property
    def outcome(self) -> str | None:
        """What the plan layer did with the second send; None when it has no counters.

        "served": a plan answered it; "fallback": a plan declined at run time and the
        standard path answered; "unplanned": there was no plan (the layer declined to
        compile the document, or does not plan such a request); "miscounted": the
        counters grew by more than one request's worth.
        """
        if self.stats is None:
            return None
        served, fallback = self.stats["served"], self.stats["fallback"]
        if (served, fallback) == (1, 0):
            return "served"
        if (served, fallback) == (0, 1):
            return "fallback"
        if (served, fallback) == (0, 0):
            return "unplanned"
        return "miscounted"

    def differences(self, *, with_first: bool = True) -> list[str]:
        """What differs between each compiled answer and the standard one, redacted.

        `with_first` False: only the second send's (the first of a write changed the data).
        """
        sends = [("second (plan)", self.second)]
        if with_first:
            sends.append(("first", self.first))
        return [
            difference
            for label, answer in sends
            for difference in exchange_differences(self.request.name, label, answer, self.standard)
        ]


def exchange_differences(name: str, label: str, compiled: Answer, standard: Answer) -> list[str]:
    """What differs between an answer of the compiled hub and the standard one, redacted."""
    where = f"{name}: {label} send to the compiled hub vs the standard hub"
    found = []
    if compiled.status != standard.status:
        found.append(f"{where}: status {compiled.status} vs {standard.status}")
    if compiled.content_type != standard.content_type:
        found.append(f"{where}: content-type {compiled.content_type} vs {standard.content_type}")
    if compiled.body != standard.body:
        diff = body_diff(standard.body, compiled.body, labels=("standard", label))
        found.append(f"{where}: body bytes differ\n{diff}")
    if compiled.events != standard.events:
        found.append(
            f"{where}: audit events differ\n"
            f"  only {label}: {_shown(compiled.events - standard.events)}\n"
            f"  only standard: {_shown(standard.events - compiled.events)}"
        )
    return found


def _shown(events: Counter[EventKey]) -> str:
    """Events without their subject and purpose (neither holds a value read)."""
    return repr(sorted((key[:6] + (key[7],), count) for key, count in events.items()))


def plan_stats(app: Starlette) -> Mapping[str, int] | None:
    """The plan layer's counters (`app.state.plans.stats`), or None while there are none."""
    plans = getattr(app.state, "plans", None)
    stats = getattr(plans, "stats", None)
    if stats is None:
        return None
    if not isinstance(stats, Mapping):  # a dataclass of counters, with or without as_dict()
        as_dict = getattr(stats, "as_dict", None)
        stats = as_dict() if callable(as_dict) else vars(stats)
    return {name: int(stats.get(name, 0)) for name in STATS}


def _grown(before: Mapping[str, int] | None, after: Mapping[str, int] | None) -> dict[str, int]:
    if before is None or after is None:
        return {}
    return {name: after[name] - before[name] for name in STATS}


@dataclass(repr=False)
class Paths:
    """Clients of both hubs, the compiled hub's app (for its counters) and the audit trail."""

    compiled_app: Starlette
    compiled: httpx.AsyncClient
    standard: httpx.AsyncClient
    audit: AuditTrail
    _seen: dict[str, int] = field(default_factory=dict)

    async def exchange(self, request: Request) -> Exchange:
        """Send `request` to the compiled hub twice, then to the standard hub once."""
        first = await self._send(self.compiled, request)
        before = plan_stats(self.compiled_app)
        second = await self._send(self.compiled, request)
        after = plan_stats(self.compiled_app)
        standard = await self._send(self.standard, request)
        stats = _grown(before, after) if after is not None else None
        return Exchange(request, first, second, standard, stats)

    async def again(self, request: Request) -> Answer:
        """Send `request` to the compiled hub once more (its plan is compiled by now)."""
        return await self._send(self.compiled, request)

    async def _send(self, client: httpx.AsyncClient, request: Request) -> Answer:
        if request.content is not None:
            response = await client.post(
                "/graphql", content=request.content, headers=dict(request.headers)
            )
        elif request.body is None:
            response = await client.get(
                "/graphql", params=dict(request.params or {}), headers=dict(request.headers)
            )
        else:
            response = await client.post(
                "/graphql", json=dict(request.body), headers=dict(request.headers)
            )
        events = await self._events_since_last(request.subject)
        return Answer(
            response.status_code, response.headers.get("content-type", ""), response.content, events
        )

    async def _events_since_last(self, subject: str) -> Counter[EventKey]:
        """The subject's events after the newest one an earlier send of it recorded."""
        after = self._seen.get(subject)
        found: Counter[EventKey] = Counter()
        while True:
            page = await self.audit.list_events(
                AuditFilter(subject=subject),
                PageRequest(first=EVENTS_PAGE, after=None if after is None else str(after)),
            )
            found.update(_key(event) for event in page.items)
            if page.items:
                after = page.items[-1].seq
            if not page.has_next:
                break
        if after is not None:
            self._seen[subject] = after
        return found


def _key(event: AuditEventRecord) -> EventKey:
    return (
        event.operation,
        event.action,
        event.resource,
        event.record_id,
        event.outcome,
        event.role,
        event.subject,
        event.jurisdiction,
        event.purpose,
    )


@dataclass(frozen=True)
class LiveHubs:
    """The two servers: the compiled hub's app and URL, and the standard hub's URL."""

    compiled_app: Starlette
    compiled_url: str
    standard_url: str


@contextmanager
def serving_both(settings: Settings) -> Iterator[LiveHubs]:
    """A hub with compiled plans and one without, over the databases of `settings`."""
    compiled_app = create_app(replace(settings, compiled_plans=True))
    standard_app = create_app(replace(settings, compiled_plans=False))
    with serve_app(compiled_app) as compiled_url, serve_app(standard_app) as standard_url:
        yield LiveHubs(compiled_app, compiled_url, standard_url)


@asynccontextmanager
async def paths_over(settings: Settings, hubs: LiveHubs) -> AsyncIterator[Paths]:
    """Clients of both hubs, and the audit trail they both write to."""
    engine = build_engine(settings.database_urls["audit"])
    try:
        async with (
            httpx.AsyncClient(base_url=hubs.compiled_url, timeout=30) as compiled,
            httpx.AsyncClient(base_url=hubs.standard_url, timeout=30) as standard,
        ):
            yield Paths(hubs.compiled_app, compiled, standard, SqlAuditTrail(engine))
    finally:
        await engine.dispose()
