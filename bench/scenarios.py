"""The HTTP measurements: (a) viewer, (b) case list, (c) cross-state case view."""

from __future__ import annotations

from bench.graphql_client import OCSS_STAFF, STATE_WORKER, GraphQLClient, Persona
from bench.queries import CASE_LIST, CASE_STATES, CASE_VIEW, VIEWER
from bench.report import Results
from bench.timing import Budget, Latencies, run_concurrent, run_sequential

CONCURRENCY = 16
VIEWER_BUDGET = Budget(count=2000, seconds=6)
CASE_LIST_BUDGET = Budget(count=60, seconds=10)
CASE_VIEW_BUDGET = Budget(count=400, seconds=6)


def _latency_cells(results: Results, key: str, what: str, latencies: Latencies) -> None:
    results.add(key, f"{what}: p50 / p95 ms", f"{latencies.p50_ms:.1f} / {latencies.p95_ms:.1f}")
    results.add(key, f"{what}: req/s", f"{latencies.per_second:.0f} (n={latencies.count})")


async def measure_viewer(client: GraphQLClient, results: Results) -> None:
    """(a) The smallest authenticated request, one at a time and 16 at once."""

    async def call() -> object:
        return await client.post(STATE_WORKER, VIEWER)

    sequential = await run_sequential(call, VIEWER_BUDGET)
    _latency_cells(results, "a", "viewer, sequential", sequential)
    concurrent = await run_concurrent(call, VIEWER_BUDGET, CONCURRENCY)
    _latency_cells(results, "a", f"viewer, {CONCURRENCY} concurrent", concurrent)


async def measure_case_list(client: GraphQLClient, results: Results) -> None:
    """(b) The frontend's case list, 20 cases deep, as a state worker and as OCSS staff.

    20, not 50: the per-role cost budget (policy/budgets.py) admits about 20 cases of
    this view at once.
    """
    for persona in (STATE_WORKER, OCSS_STAFF):

        async def call(persona: Persona = persona) -> object:
            return await client.post(persona, CASE_LIST, {"first": 20})

        latencies = await run_sequential(call, CASE_LIST_BUDGET)
        _latency_cells(results, "b", f"cases(first: 20) as {persona.name}", latencies)


async def _other_state_case(client: GraphQLClient, home: str) -> tuple[str, str]:
    answer = await client.post(OCSS_STAFF, CASE_STATES)
    for edge in answer["data"]["cases"]["edges"]:
        node = edge["node"]
        if node["state"]["code"] != home:
            return str(node["id"]), str(node["state"]["code"])
    raise RuntimeError(f"no case held by a state other than {home} among the first 50")


async def measure_case_view(client: GraphQLClient, results: Results) -> None:
    """(c) A state system reading another state's case with its QUICK fields."""
    home = STATE_WORKER.jurisdiction or "06"
    case_id, holder = await _other_state_case(client, home)

    async def call() -> object:
        return await client.post(STATE_WORKER, CASE_VIEW, {"id": case_id})

    latencies = await run_sequential(call, CASE_VIEW_BUDGET)
    _latency_cells(results, "c", f"case(id:) held by {holder}, as {home}", latencies)
