"""The 50-case view over many participants: is its median latency flat in the data's size?"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.databases import postgres_hub
from bench.hub_processes import hub_process
from bench.load_generator import Run, run_wrk
from bench.operations import CASE_LIST, CASE_LIST_FIRST
from bench.scale_data import seed_scale
from bench.scenarios import OCSS_STAFF, body

SEQUENTIAL = 1  # one connection: latency, not throughput


@dataclass(frozen=True)
class ScalePoint:
    participants: int
    seed_seconds: float
    run: Run


def _answers(url: str, request: bytes, token: str) -> None:
    """The view must answer data (the budgets admit it) before its latency means anything."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = httpx.post(f"{url}/graphql", content=request, headers=headers, timeout=120)
    answer = response.json() if response.status_code == 200 else {}
    if not answer.get("data"):
        raise RuntimeError(
            f"the 50-case view answered HTTP {response.status_code}: {response.text[:300]}"
        )


def measure_scale(
    server_url: str, states_url: str, sizes: Sequence[int], seconds: float
) -> list[ScalePoint]:
    """For each size: fresh databases, generate_series seeding, one `hub serve`, wrk -c1."""
    request = body(CASE_LIST, {"first": CASE_LIST_FIRST})
    points = []
    for participants in sizes:
        with (
            postgres_hub(server_url, None, label="scale") as hub,
            tempfile.TemporaryDirectory(prefix="hub-bench-scale-") as tmp,
        ):
            print(f"bench: seeding {participants:,} participants (generate_series)", flush=True)
            seed_seconds = asyncio.run(seed_scale(hub.settings.database_urls, participants))
            token = OCSS_STAFF.token(hub.settings.token)
            with hub_process(hub.settings, data_dir=Path(tmp), states_url=states_url) as server:
                _answers(server.url, request, token)
                time.sleep(0.5)
                run = run_wrk(
                    server.url, server.pid, request, token, seconds=seconds, connections=SEQUENTIAL
                )
            points.append(ScalePoint(participants, seed_seconds, run))
            print(f"bench: {participants:,} participants: p50 {run.p50_ms:.1f} ms", flush=True)
    return points
