"""Servers as processes of their own on loopback: `hub serve`, and the two peers.

Each server is one process (the bench measures its CPU from /proc), its output goes to a
log file (a pipe nobody reads fills up and stalls the server), and it is stopped by its
own pid when the block ends.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis

from bench.server import free_port
from settings import Settings

HUB = Path(sys.executable).parent / "hub"
# the checkout the bench runs from is what is measured, installed or not
REPOSITORY = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
PROBLEM_MARKERS = ("ERROR", "WARNING", "Traceback")


@dataclass(frozen=True)
class ServerProcess:
    """A running server: where it answers, its pid, and its log."""

    name: str
    url: str
    pid: int
    log: Path


def token_environment(settings: Settings) -> dict[str, str]:
    """The token settings every server of the run checks bearer tokens with."""
    return {
        "HUB_TOKEN_SECRET": settings.token.secret,
        "HUB_TOKEN_ISSUER": settings.token.issuer,
        "HUB_TOKEN_AUDIENCE": settings.token.audience,
        "HUB_TOKEN_ALGORITHM": settings.token.algorithm,
    }


BENCH_BUDGET = "*=1000000/s:1000000"


def _hub_environment(
    settings: Settings, *, port: int, data_dir: Path, states_url: str
) -> dict[str, str]:
    """Production mode, the bench's signing secret, databases and state systems."""
    return {
        "PATH": str(HUB.parent) + ":/usr/bin:/bin",
        "PYTHONPATH": str(REPOSITORY),
        "HUB_ENV": "production",
        "HUB_HOST": "127.0.0.1",
        "HUB_PORT": str(port),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_STATE_SYSTEMS_URL": states_url,
        # wrk sends thousands of requests a second as one subject: budgets no load reaches,
        # so the limiter's cost is measured and its refusals are not
        "HUB_RATE_LIMITS": BENCH_BUDGET,
        # the notices bench's 1,000 subscribers share one staff token
        "HUB_WS_MAX_CONNECTIONS_PER_SUBJECT": "100000",
        **token_environment(settings),
        **{f"HUB_{s.upper()}_DATABASE_URL": url for s, url in settings.database_urls.items()},
    }


def _wait_ready(
    name: str, url: str, ready: Callable[[str], bool], process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if ready(url):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not become ready within {START_TIMEOUT_SECONDS} s")


def healthz(url: str) -> bool:
    return httpx.get(f"{url}/healthz", timeout=1).status_code == 200


def answers_graphql(url: str) -> bool:
    """Any HTTP answer to an unauthenticated POST /graphql: the server is listening."""
    return httpx.post(f"{url}/graphql", json={}, timeout=1).status_code in (400, 401)


@contextmanager
def server_process(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    port: int,
    log: Path,
    ready: Callable[[str], bool] = answers_graphql,
    cwd: Path | None = None,
) -> Iterator[ServerProcess]:
    """Run `argv` until the block ends; it must listen on 127.0.0.1:`port`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(list(argv), env=dict(env), stdout=output, stderr=output, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(name, url, ready, process, log)
        yield ServerProcess(name, url, process.pid, log)
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_SECONDS)


@contextmanager
def hub_process(
    settings: Settings,
    *,
    data_dir: Path,
    states_url: str,
    redis_url: str | None = None,
    stream: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    name: str = "hub",
) -> Iterator[ServerProcess]:
    """`hub serve` until the block ends; its output goes to `<data_dir>/hub.log`."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _hub_environment(settings, port=port, data_dir=data_dir, states_url=states_url)
    if redis_url is not None:
        env["HUB_REDIS_URL"] = redis_url
    if stream is not None:
        env["HUB_REDIS_STREAM"] = stream
    env.update(extra_env or {})
    argv = [str(HUB), "serve"]
    with server_process(
        name, argv, env, port=port, log=data_dir / "hub.log", ready=healthz
    ) as process:
        yield process


def problem_lines(processes: Sequence[ServerProcess]) -> list[str]:
    """The warning, error and traceback lines the processes logged."""
    lines = []
    for process in processes:
        text = process.log.read_text(errors="replace") if process.log.exists() else ""
        lines += [line for line in text.splitlines() if any(m in line for m in PROBLEM_MARKERS)]
    return lines


def new_stream_name() -> str:
    return f"hub:bench:{uuid.uuid4().hex}"


def delete_stream(redis_url: str, stream: str) -> None:
    """Remove the run's stream from the shared Redis (best effort)."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.delete(stream)
    except (redis.RedisError, OSError):
        pass
    finally:
        client.close()
