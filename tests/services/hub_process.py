"""`hub serve` as a real process of its own, for tests of what only processes show."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import Hub
from tests.log_capture import capture_process_log
from tests.services.client_tls import CLIENT_TLS
from tests.services.servers import free_port, state_sim_url

HUB = str(Path(sys.executable).parent / "hub")


@contextmanager
def hub_process(
    hub: Hub,
    redis_url: str | None,
    data_dir: Path,
    stream: str = "hub:notices",
    **extra_env: str,
) -> Iterator[str]:
    """`hub serve` on the given databases (and Redis); yields its base URL."""
    with hub_serve(hub, redis_url, data_dir, stream, **extra_env) as (url, _process):
        yield url


@contextmanager
def hub_serve(
    hub: Hub,
    redis_url: str | None,
    data_dir: Path,
    stream: str = "hub:notices",
    **extra_env: str,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `hub_process`, yielding the process too (to signal it, or read its exit code)."""
    process, url = start_hub_process(hub, redis_url, data_dir, stream, **extra_env)
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(30)
        capture_process_log(data_dir / "hub.log")  # the session's scan reads what it logged


def start_hub_process(
    hub: Hub,
    redis_url: str | None,
    data_dir: Path,
    stream: str = "hub:notices",
    **extra_env: str,
) -> tuple[subprocess.Popen[bytes], str]:
    """`hub serve` started and healthy: the process (the caller stops it) and its base URL."""
    port = free_port()
    urls = hub.settings.database_urls
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HUB_ENV": "development",
        "HUB_PORT": str(port),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_REDIS_STREAM": stream,
        # each process set its own rate-limit keys, so no earlier test's requests count
        "HUB_RATE_LIMIT_PREFIX": f"hub:rate:test:{port}:{time.time_ns()}:",
        "HUB_STATE_SYSTEMS_URL": state_sim_url(),
        **{f"HUB_{source.upper()}_DATABASE_URL": url for source, url in urls.items()},
        **({"HUB_REDIS_URL": redis_url} if redis_url else {}),
        **extra_env,
        # coverage's own variable, set when the suite runs under `pytest --cov`
        **{k: v for k, v in os.environ.items() if k == "COVERAGE_PROCESS_CONFIG"},
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "hub.log"
    # a log file, not a pipe: a pipe nobody reads fills up and stalls the server
    with log.open("ab") as output:
        process = subprocess.Popen([HUB, "serve"], env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
    except BaseException:
        process.kill()
        process.wait(30)
        capture_process_log(log)  # the session's scan reads what the process logged
        raise
    return process, url


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=url, timeout=1, verify=CLIENT_TLS) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"hub exited: {log.read_text()[-2000:]}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    raise RuntimeError("hub did not become healthy")
