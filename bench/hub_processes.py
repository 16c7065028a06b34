"""`hub serve` as processes of their own on loopback, sharing the bench's databases and Redis."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis

from bench.server import free_port
from settings import Settings

HUB = Path(sys.executable).parent / "hub"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
PROBLEM_MARKERS = ("ERROR", "WARNING", "Traceback")


@dataclass(frozen=True)
class HubProcess:
    url: str
    log: Path


def _environment(
    settings: Settings, *, port: int, data_dir: Path, redis_url: str, stream: str, states_url: str
) -> dict[str, str]:
    """Production mode, the bench's signing secret, databases, state systems and Redis."""
    return {
        "PATH": str(HUB.parent) + ":/usr/bin:/bin",
        "HUB_ENV": "production",
        "HUB_HOST": "127.0.0.1",
        "HUB_PORT": str(port),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_TOKEN_SECRET": settings.token.secret,
        "HUB_TOKEN_ISSUER": settings.token.issuer,
        "HUB_TOKEN_AUDIENCE": settings.token.audience,
        "HUB_TOKEN_ALGORITHM": settings.token.algorithm,
        "HUB_REDIS_URL": redis_url,
        "HUB_REDIS_STREAM": stream,
        "HUB_STATE_SYSTEMS_URL": states_url,
        **{f"HUB_{s.upper()}_DATABASE_URL": url for s, url in settings.database_urls.items()},
    }


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hub serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"hub serve did not become healthy within {START_TIMEOUT_SECONDS} s")


@contextmanager
def hub_process(
    settings: Settings, *, data_dir: Path, redis_url: str, stream: str, states_url: str
) -> Iterator[HubProcess]:
    """`hub serve` until the block ends; its output goes to `<data_dir>/hub.log`."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _environment(
        settings,
        port=port,
        data_dir=data_dir,
        redis_url=redis_url,
        stream=stream,
        states_url=states_url,
    )
    log = data_dir / "hub.log"
    # a log file, not a pipe: a pipe nobody reads fills up and stalls the server
    with log.open("wb") as output:
        process = subprocess.Popen([str(HUB), "serve"], env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield HubProcess(url, log)
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_SECONDS)


def problem_lines(processes: list[HubProcess]) -> list[str]:
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
