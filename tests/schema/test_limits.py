"""Operation limits: hostile shapes are refused before they run, in bounded time, and the
hub keeps answering; the examples users start from stay well inside every budget."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import _lru_cache_wrapper
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx
import pytest
from graphql import GraphQLError, parse, specified_rules
from graphql.utilities import get_introspection_query
from strawberry.extensions.validation_cache import _get_validate_cache
from strawberry.schema.schema import validate_document

from app import build_sources
from datasources.engines import build_engines, dispose_engines
from policy.budgets import OPERATION_COST_BUDGETS, operation_cost_budget
from policy.enforcer import PolicyDecider
from policy.gate import Gate
from policy.tokens import ROLES, Viewer
from resolvers.context import Context, build_context
from schema import caches
from schema import schema as hub_schema
from schema.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_FIELDS,
    MAX_INTROSPECTION_COST,
    MAX_REPEATED_PAIRS,
    MAX_TOKENS,
    DocumentShape,
    DocumentShapes,
)
from settings import load_settings
from tests.allowances import allowance
from tests.conftest import Hub
from tests.services.client_tls import CLIENT_TLS
from tests.services.graphql_ws import subscriber

T = TypeVar("T")
README = Path(__file__).resolve().parents[2] / "README.md"
QUERY_VIEWER = "{ viewer { role } }"
REFUSAL_SECONDS = allowance(0.5)
"""Far above what a refusal takes (a few ms); the shapes themselves took minutes."""
PROBE_SECONDS = allowance(0.1)
PROBES = 8
"""Rounds of one `{ viewer { role } }` and one `/healthz` while the hub is kept busy."""
CLAIMS: dict[str, dict[str, object]] = {
    "state_worker": {"jurisdiction": "06", "fti": True},
    "tribal_worker": {"jurisdiction": "T0001"},
    "international": {"jurisdiction": "CA"},
    "employer": {"fein": "90-0000001"},
    "insurer": {"fein": "90-0000002"},
    "financial_institution": {"fein": "90-0000003"},
    "ocss_staff": {"jurisdiction": "FED"},
}


def fragment_fan_out(levels: int) -> str:
    """Fragments each spreading the next twice: 2**levels fields from a small document."""
    fragments = [f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Viewer {{ role subject }}")
    return "query FanOut { viewer { ...F0 } } " + " ".join(fragments)


def aliased_fan_out(levels: int) -> str:
    """Each fragment spreads the next twice under two aliased fields, so nothing merges."""
    fragments = [
        f"fragment Q{i} on Query {{ a: viewer {{ role }} ...Q{i + 1} "
        f"b: directory {{ totalCount }} ...Q{i + 1} }}"
        for i in range(levels)
    ]
    fragments.append(f"fragment Q{levels} on Query {{ viewer {{ role }} }}")
    return "{ ...Q0 } " + " ".join(fragments)


def nested_fan_out(levels: int) -> str:
    """Fan-out one level deeper each time, through lists (the issue's 1.4 KB query)."""
    fragments = [
        f"fragment P{i} on Participant {{ cases {{ case {{ participants {{ participant "
        f"{{ ...P{i + 1} ...P{i + 1} }} }} }} }} }}"
        for i in range(levels)
    ]
    fragments.append(f"fragment P{levels} on Participant {{ id }}")
    return "{ participants(first: 100) { edges { node { ...P0 } } } } " + " ".join(fragments)


def repeated_fields(count: int) -> str:
    return "{ viewer { " + "role " * count + "} }"


def repeated_through_fragments() -> str:
    """`role` 10,000 times at one path (10 spreads of 10 spreads of 100), in 160 tokens."""
    return (
        "{ viewer { " + "...S " * 10 + "} } "
        "fragment S on Viewer { " + "...R " * 10 + "} "
        "fragment R on Viewer { " + "role " * 100 + "}"
    )


def empty_spreads(count: int) -> str:
    """Fragment spreads graphql-core compares pairwise, though each selects nothing."""
    fragments = " ".join(f"fragment E{i} on Viewer {{ }}" for i in range(count))
    return "{ viewer { role " + " ".join(f"...E{i}" for i in range(count)) + " } } " + fragments


def flat_selection(count: int) -> str:
    return "{ " + " ".join(f"t{i}: __typename" for i in range(count)) + " }"


LISTS = (
    "edges { node { participants { participant { cases { case { participants { "
    "participant { id } } } } } } } }"
)
DEEP_LISTS = "query Deep($first: Int) { cases(first: $first) { " + LISTS + " } }"
DEEP_LISTS_LITERAL = "{ cases(first: 100) { " + LISTS + " } }"
HOPS = "participants { participant { cases { case { "
TOO_DEEP = "{ cases(first: 1) { edges { node { " + HOPS * 3 + "id" + " }" * 15 + " }"
"""15 levels: the 13th is past the depth limit."""
PADDED = QUERY_VIEWER + "\n#" + "x" * (MAX_DOCUMENT_BYTES + 1024)
"""A valid document of one comment past 64 KiB: few tokens, but too large to parse."""

HOSTILE: dict[str, tuple[str, dict[str, Any] | None]] = {
    "fragment fan-out, 10 levels": (fragment_fan_out(10), None),
    "fragment fan-out, 20 levels": (fragment_fan_out(20), None),
    "fragment fan-out, 30 levels": (fragment_fan_out(30), None),
    "aliased fan-out, 25 levels": (aliased_fan_out(25), None),
    "nested fan-out through lists, 20 levels": (nested_fan_out(20), None),
    "10,000 identical fields": (repeated_fields(10_000), None),
    "10,000 identical fields through fragments": (repeated_through_fragments(), None),
    "30 identical fields": (repeated_fields(30), None),
    "240 empty fragment spreads": (empty_spreads(240), None),
    "huge flat selection": (flat_selection(MAX_FIELDS + 100), None),
    "deep list nesting, first: 100": (DEEP_LISTS_LITERAL, None),
    "deep list nesting, first from a variable": (DEEP_LISTS, {"first": 100}),
    "depth past the limit": (TOO_DEEP, None),
    "51 aliases": ("{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(51)) + " }", None),
    "65 KiB document": (PADDED, None),
}

DIRECTORY_PAGE = (
    "query Directory($first: Int) { directory(first: $first) { edges { node { code name "
    "contacts { name title phone email address { line1 city } } "
    "profile { topic question answer } } } } }"
)
"""6,201 at `first: 50`: over an employer's budget, under an analyst's and a worker's."""


def _codes(errors: list[GraphQLError] | None) -> list[object]:
    return [(error.extensions or {}).get("code") for error in errors or []]


def _body_codes(body: dict[str, Any]) -> list[object]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def _viewer(role: str) -> Viewer:
    claims = CLAIMS.get(role, {})
    return Viewer(
        subject=f"{role}-limits",
        role=role,
        jurisdiction=claims.get("jurisdiction"),  # type: ignore[arg-type]
        fein=claims.get("fein"),  # type: ignore[arg-type]
        fti=claims.get("fti") is True,
        expires_at=int(time.time()) + 600,
    )


ContextFor = Callable[[str], Context]
INTROSPECTION_QUERY = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)


@pytest.fixture
async def context_for(tmp_path: Path) -> AsyncIterator[ContextFor]:
    """Contexts of any role over sources that are never read (limits refuse first)."""
    settings = load_settings({"HUB_DATA_DIR": str(tmp_path), "HUB_ENV": "development"})
    engines = build_engines(settings.database_urls)
    client = httpx.AsyncClient(verify=CLIENT_TLS)
    sources = build_sources(settings, engines, client)
    gate = Gate(PolicyDecider())

    def build(role: str) -> Context:
        return build_context(None, _viewer(role), sources=sources, settings=settings, gate=gate)

    yield build
    await dispose_engines(engines)
    await sources.blobs.close()
    await client.aclose()


def _shape(query: str) -> DocumentShape:
    return DocumentShapes(max_depth=12).get(query, hub_schema._schema, parse(query))


@pytest.mark.parametrize(("query", "variables"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_shape_is_refused_then_a_normal_query_answers(
    context_for: ContextFor, query: str, variables: dict[str, Any] | None
):
    # given a state worker, whose budget is the largest
    # when the hostile document is sent
    started = time.perf_counter()
    result = await hub_schema.execute(
        query, variable_values=variables, context_value=context_for("state_worker")
    )
    elapsed = time.perf_counter() - started
    # then it is refused before execution, quickly, as too complex and with no data
    assert _codes(result.errors) == ["OPERATION_TOO_COMPLEX"]
    assert result.data is None
    assert elapsed < REFUSAL_SECONDS
    # and the next ordinary query answers
    normal = await hub_schema.execute(QUERY_VIEWER, context_value=context_for("state_worker"))
    assert normal.errors is None
    assert normal.data == {"viewer": {"role": "state_worker"}}


async def test_an_empty_selection_is_no_internal_error(context_for: ContextFor):
    # strawberry's depth limiter, which this replaces, failed on it (max() of nothing)
    result = await hub_schema.execute("{ viewer { } }", context_value=context_for("analyst"))
    assert result.errors is None
    assert result.data == {"viewer": {}}


@pytest.mark.parametrize("levels", [30, 300])
def test_fan_out_is_counted_without_expanding_it(levels: int):
    # given a fan-out of 2**levels fields (no token limit: the count alone is measured)
    document = parse(fragment_fan_out(levels))
    # when its shape is measured
    started = time.perf_counter()
    shape = DocumentShapes(max_depth=12).get(None, hub_schema._schema, document)
    # then it is refused for its fields, in time linear in its 300 fragments at most
    assert shape.refusal is not None
    assert "fields" in shape.refusal
    assert time.perf_counter() - started < REFUSAL_SECONDS


async def test_cost_over_one_roles_budget_is_refused_to_that_role_only(context_for: ContextFor):
    # given a directory page whose cost lies between the employer's and the analyst's budgets
    variables = {"first": 50}
    cost = _shape(DIRECTORY_PAGE).cost("Directory", variables).data
    assert operation_cost_budget("employer") < cost <= operation_cost_budget("analyst")
    # when an employer asks for it, it is refused
    refused = await hub_schema.execute(
        DIRECTORY_PAGE, variable_values=variables, context_value=context_for("employer")
    )
    assert _codes(refused.errors) == ["OPERATION_TOO_COMPLEX"]
    assert refused.data is None
    # and when an analyst or a state worker asks, it answers
    for role in ("analyst", "state_worker"):
        answered = await hub_schema.execute(
            DIRECTORY_PAGE, variable_values=variables, context_value=context_for(role)
        )
        assert answered.errors is None
        assert answered.data is not None
        assert len(answered.data["directory"]["edges"]) == 50
    # and the employer may have the same document with a smaller page
    smaller = await hub_schema.execute(
        DIRECTORY_PAGE, variable_values={"first": 30}, context_value=context_for("employer")
    )
    assert smaller.errors is None


def test_cost_follows_sizes_from_literals_variables_and_defaults():
    shape = _shape(DIRECTORY_PAGE)
    # a page of n entries costs 1 for the connection, and 124 per entry with its edge
    assert shape.cost("Directory", {"first": 30}).data == 1 + 30 * 124
    assert shape.cost("Directory", {"first": 1}).data == 1 + 124
    # the page cap for an absent variable, a null, a string or a size past the cap
    assert shape.cost("Directory", {}).data == 1 + 100 * 124
    for unusable in (None, "7", 10**9):
        assert shape.cost("Directory", {"first": unusable}).data == 1 + 100 * 124
    # variables that size no list change nothing
    assert shape.cost("Directory", {"first": 1, "unrelated": 5}).data == 1 + 124
    # a literal, and a variable's default
    literal = _shape(DIRECTORY_PAGE.replace("first: $first", "first: 7"))
    assert literal.cost("Directory", {}).data == 1 + 7 * 124
    defaulted = _shape(DIRECTORY_PAGE.replace("($first: Int)", "($first: Int = 3)"))
    assert defaulted.cost("Directory", {}).data == 1 + 3 * 124
    # no argument: the page cap too (not the schema's default of 50)
    omitted = _shape(DIRECTORY_PAGE.replace("(first: $first)", ""))
    assert omitted.cost("Directory", {}).data == 1 + 100 * 124


def test_shape_is_measured_once_per_text_and_cost_once_per_sizes():
    shapes = DocumentShapes(max_depth=12)
    document = parse(DIRECTORY_PAGE)
    # the same text is measured once
    shape = shapes.get(DIRECTORY_PAGE, hub_schema._schema, document)
    assert shapes.get(DIRECTORY_PAGE, hub_schema._schema, parse(DIRECTORY_PAGE)) is shape
    # and its cost is kept per operation and the variables that size its lists only
    once = shape.cost("Directory", {"first": 1})
    assert shape.cost("Directory", {"first": 1, "after": "x", "unrelated": 5}) is once
    assert shape.cost("Directory", {"first": 2}) is not once


def _readme_examples() -> list[str]:
    section = README.read_text().split("## What you see first", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```graphql\n(.*?)```", section, re.DOTALL)
    assert len(examples) == 3
    return examples


def test_readme_examples_stay_under_every_budget():
    # given the queries of the README's "What you see first"
    for example in _readme_examples():
        shape = _shape(example)
        operation = re.match(r"\s*query (\w+)", example)
        name = operation.group(1) if operation else None
        # then each is accepted, and costs less than the smallest budget of any role
        assert shape.refusal is None
        cost = shape.cost(name, {})
        assert cost.data <= min(operation_cost_budget(role) for role in ROLES), example
        assert cost.introspection == 0


def _readme_limits() -> str:
    text = README.read_text()
    return text[text.index("## Operation limits") :].split("\n## ", 1)[0]


def test_readme_states_the_limits_the_code_holds():
    section = _readme_limits()
    assert f"| {MAX_DOCUMENT_BYTES // 1024} KiB of UTF-8 (`MAX_DOCUMENT_BYTES`)" in section
    assert f"| {MAX_TOKENS:,} (`MAX_TOKENS`)" in section
    assert f"| {MAX_FIELDS:,} (`MAX_FIELDS`)" in section
    assert f"| {MAX_REPEATED_PAIRS} pairs (`MAX_REPEATED_PAIRS`" in section
    assert f"| {MAX_INTROSPECTION_COST:,} for every role (`MAX_INTROSPECTION_COST`" in section
    for budget in set(OPERATION_COST_BUDGETS.values()):
        roles = sorted(r for r, b in OPERATION_COST_BUDGETS.items() if b == budget)
        stated = re.search(rf"(?<![0-9,]){budget:,}: ([a-z_, ]+)", section)
        assert stated is not None, budget
        assert sorted(stated.group(1).strip().split(", ")) == roles
    introspection = _shape(INTROSPECTION_QUERY).cost("IntrospectionQuery", {})
    assert f"GraphiQL's own query costs {introspection.introspection:,}" in section
    assert f"Documents over {caches.OFF_LOOP_CHARS // 1024} KiB are parsed" in section


def test_readme_example_costs_are_the_stated_ones():
    section = _readme_limits()
    for example in _readme_examples():
        shape = _shape(example)
        operation = re.match(r"\s*query (\w+)", example)
        cost = shape.cost(operation.group(1) if operation else None, {}).data
        assert f"{cost:,}" in section


def test_every_role_has_a_budget():
    assert set(OPERATION_COST_BUDGETS) == set(ROLES)


async def test_graphiql_introspection_is_accepted(context_for: ContextFor):
    # given the introspection query GraphiQL sends, with every option on
    query = INTROSPECTION_QUERY
    assert _shape(query).cost("IntrospectionQuery", {}).introspection <= MAX_INTROSPECTION_COST
    # when the role with the smallest budget sends it (in development, everyone may)
    result = await hub_schema.execute(query, context_value=context_for("employer"))
    # then the schema comes back
    assert result.errors is None
    assert result.data is not None
    assert result.data["__schema"]["queryType"]["name"] == "Query"


async def test_caches_still_hit(context_for: ContextFor):
    # given a document validated once
    query = "query CacheProbe { viewer { role subject } }"
    await hub_schema.execute(query, context_value=context_for("analyst"))
    cache = cast("_lru_cache_wrapper[object]", _get_validate_cache(512))  # strawberry's LRU
    validated = cache.cache_info().hits
    # when it is sent again
    result = await hub_schema.execute(query, context_value=context_for("analyst"))
    # then validation is a cache hit (the rules are the same classes every time)
    assert result.errors is None
    assert cache.cache_info().hits == validated + 1


class _RecordingWorker(ThreadPoolExecutor):
    """The documents' worker, noting the thread each piece of work ran in."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.threads: list[str] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        def noted() -> T:
            self.threads.append(threading.current_thread().name)
            return fn(*args, **kwargs)

        return super().submit(noted)


async def test_large_documents_are_parsed_and_validated_off_the_event_loop(
    context_for: ContextFor, monkeypatch: pytest.MonkeyPatch
):
    # given the documents' worker, watched
    worker = _RecordingWorker()
    monkeypatch.setattr(caches, "_WORKER", worker)
    loop_thread = threading.current_thread().name
    # when a small document and a large one are executed
    small = await hub_schema.execute(QUERY_VIEWER, context_value=context_for("analyst"))
    assert worker.threads == []
    large = "query Large { viewer { role } } " + "# padding\n" * caches.OFF_LOOP_CHARS
    answer = await hub_schema.execute(large, context_value=context_for("analyst"))
    worker.shutdown()
    # then the small one stayed on the loop, and the large one was parsed and validated
    # in the worker, with the same answer
    assert small.data == answer.data == {"viewer": {"role": "analyst"}}
    assert len(worker.threads) == 2
    assert loop_thread not in worker.threads


PSC = "id ssn ssnVerification firstName lastName dateOfBirth dateOfDeath deceased sex"
CSC = "id stateCaseId caseType status hasOrder openedOn"


def _people(levels: int) -> str:
    inner = PSC
    for _ in range(levels):
        people = f"participants {{ role participant {{ {inner} }} }}"
        inner = f"{PSC} cases {{ role case {{ {CSC} {people} }} }}"
    return inner


def _worst_accepted() -> dict[str, str]:
    """Documents at the limits: as many fields, pairs, tokens and spreads as accepted."""
    wide = " ".join(
        f"a{i}: participants(first: 1) {{ edges {{ node {{ {_people(2)} }} }} }}" for i in range(8)
    )
    arguments = " ".join(
        f'a{i}: participants(first: 1, lastName: "Doe", firstName: "Jo", after: null) '
        f"{{ totalCount pageInfo {{ hasNextPage endCursor }} }}"
        for i in range(49)
    )
    pairs = "{ viewer { " + "role " * 24 + "} }"  # 276 pairs
    fragments = " ".join(f"fragment E{i} on Viewer {{ }}" for i in range(24))
    spreads = "{ viewer { role " + " ".join(f"...E{i}" for i in range(24)) + " } } " + fragments
    return {
        "wide and deep": "{ " + wide + " }",
        "arguments": "{ " + arguments + " }",
        "repeated fields": pairs,
        "fragment spreads": spreads,
    }


def _parse_and_validate_seconds(query: str) -> float:
    started = time.perf_counter()
    document = parse(query, max_tokens=MAX_TOKENS)
    shape = DocumentShapes(max_depth=12).get(query, hub_schema._schema, document)
    errors = validate_document(hub_schema._schema, document, tuple(specified_rules))
    elapsed = time.perf_counter() - started
    assert shape.refusal is None
    assert errors == []
    return elapsed


@pytest.mark.parametrize("name", _worst_accepted())
def test_worst_accepted_document_parses_and_validates_in_a_small_budget(name: str):
    # given a document at the limits, each run a new text (no cache helps)
    query = _worst_accepted()[name]
    # when it is parsed, measured and validated, best of three
    best = min(_parse_and_validate_seconds(f"{query} # run {run}") for run in range(3))
    # then a request waiting behind it still answers within 100 ms
    print(f"{name}: parse + measure + validate {best * 1000:.1f} ms")
    assert best < PROBE_SECONDS


# over real HTTP


async def test_hostile_shapes_over_http_then_a_normal_query(http: httpx.AsyncClient, hub: Hub):
    headers = hub.headers("state_worker", jurisdiction="06", fti=True)
    for name, (query, variables) in HOSTILE.items():
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert response.status_code in (200, 400), name
        assert _body_codes(body) == ["OPERATION_TOO_COMPLEX"], name
        assert body.get("data") is None, name
        normal = await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
        assert normal.json() == {"data": {"viewer": {"role": "state_worker"}}}, name


EXPENSIVE_CASES = (
    "query Expensive($first: Int) { cases(first: $first) { totalCount edges { node { "
    "id stateCaseId caseType status hasOrder openedOn state { code name } "
    "participants { role participant { id firstName lastName ssn dateOfBirth "
    "familyViolence offsetCertifications { arrearsAmount passportStatus } } } } } } }"
)


def _largest_page(budget: int) -> int:
    """The largest `first` of EXPENSIVE_CASES within `budget`."""
    shape = _shape(EXPENSIVE_CASES)
    return max(n for n in range(1, 101) if shape.cost("Expensive", {"first": n}).data <= budget)


def _keep_busy(
    url: str, headers: dict[str, str], first: int, warm: threading.Event, stop: threading.Event
) -> int:
    """Send the costliest accepted requests back to back, each a new text, until stopped.

    In a thread of its own, so that reading its large answers does not delay the probes.
    `warm` is set after the first round (statements compiled, connections open).
    """
    sent = 0
    documents = list(_worst_accepted().values())
    with httpx.Client(base_url=url, timeout=30) as client:
        while not stop.is_set():
            worst = documents[sent % len(documents)] + f" # {sent}"
            client.post("/graphql", json={"query": worst}, headers=headers)
            client.post(
                "/graphql", json={"query": INTROSPECTION_QUERY + f" # {sent}"}, headers=headers
            )
            expensive = {"query": EXPENSIVE_CASES + f" # {sent}", "variables": {"first": first}}
            response = client.post("/graphql", json=expensive, headers=headers)
            assert "OPERATION_TOO_COMPLEX" not in _body_codes(response.json())
            sent += 1
            warm.set()
    return sent


async def _probe(http: httpx.AsyncClient, headers: dict[str, str]) -> list[float]:
    latencies = []
    for _ in range(PROBES):
        await asyncio.sleep(0.15)
        started = time.perf_counter()
        viewer = await http.post("/graphql", json={"query": QUERY_VIEWER}, headers=headers)
        latencies.append(time.perf_counter() - started)
        assert viewer.json()["data"]["viewer"]["role"] == "state_worker"
        started = time.perf_counter()
        health = await http.get("/healthz")
        latencies.append(time.perf_counter() - started)
        assert health.json() == {"status": "ok"}
    return latencies


async def test_viewer_and_healthz_answer_while_the_costliest_requests_run(
    live_hub: str, http: httpx.AsyncClient, hub: Hub
):
    # given a state worker (the largest budget) keeping the hub busy with the costliest
    # documents it accepts and a full page of cases with people and certifications
    headers = hub.headers("state_worker", jurisdiction="06", fti=True)
    first = _largest_page(operation_cost_budget("state_worker"))
    await http.get("/healthz")  # connected before timing
    stop = threading.Event()
    # the server shares this process's heap with everything the session built: collecting
    # that (hundreds of ms) measures pytest, not the hub, so it is frozen out of the GC
    gc.collect()
    gc.freeze()
    warm = threading.Event()
    busy = asyncio.to_thread(_keep_busy, live_hub, headers, first, warm, stop)
    load = asyncio.create_task(busy)
    try:
        assert await asyncio.to_thread(warm.wait, 30)
        # when viewer and healthz are asked meanwhile
        latencies = await _probe(http, headers)
    finally:
        stop.set()
        sent = await load
        gc.unfreeze()
    # then they answered within 100 ms, and the load really ran: a hub held by a request
    # delays every probe (the fan-out of issue 8 timed them all out), while one probe in
    # ten may lose its core to the other processes of a shared 2-core machine
    shown = [round(seconds * 1000, 1) for seconds in latencies]
    print(f"first: {first}; probe latencies ms: {shown}; busy rounds {sent}")
    assert sent >= 2
    latencies.sort()
    assert latencies[int(len(latencies) * 0.9) - 1] < PROBE_SECONDS
    assert latencies[-1] < PROBE_SECONDS * 10


async def test_hostile_shapes_over_websocket_then_a_normal_query(live_hub: str, hub: Hub):
    # given a subscriber's socket, signed in as a state worker
    async with subscriber(live_hub) as socket:
        assert (await socket.init(hub.token("state_worker", jurisdiction="06")))["type"] == (
            "connection_ack"
        )
        for number, (name, (query, variables)) in enumerate(HOSTILE.items()):
            # when a hostile document is sent as an operation of its own
            payload = {"query": query, "variables": variables or {}}
            await socket.socket.send(
                json.dumps({"id": f"h{number}", "type": "subscribe", "payload": payload})
            )
            answer = await socket.receive()
            # then it is refused with an error message, before anything runs
            assert answer["type"] == "error", name
            assert answer["id"] == f"h{number}", name
            assert _body_codes({"errors": answer["payload"]}) == ["OPERATION_TOO_COMPLEX"], name
        # and a normal query on the same socket answers
        normal = {"query": QUERY_VIEWER}
        await socket.socket.send(json.dumps({"id": "n", "type": "subscribe", "payload": normal}))
        answer = await socket.receive()
        assert answer["type"] == "next"
        assert answer["payload"] == {"data": {"viewer": {"role": "state_worker"}}}
