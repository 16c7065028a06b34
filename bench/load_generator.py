"""wrk, the load generator: its own process, 8 connections, POSTing one operation."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.cpu import cpu_seconds

SCRIPT = Path(__file__).parent / "wrk" / "post.lua"
CONNECTIONS = 8
TIMEOUT_SECONDS = 30
MARKER = "BENCH "


@dataclass(frozen=True)
class Run:
    """What one wrk run against one server saw, and the CPU the server spent meanwhile."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("the bench needs wrk on PATH: `make tools` installs Debian's wrk")
    return wrk


def run_wrk(
    url: str, pid: int, body: bytes, token: str, *, seconds: float, connections: int = CONNECTIONS
) -> Run:
    """Load `url`/graphql for `seconds` with `body`; measure the CPU of process `pid`."""
    with tempfile.NamedTemporaryFile(prefix="bench-body-", suffix=".json") as file:
        file.write(body)
        file.flush()
        argv = [
            wrk_binary(),
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={TIMEOUT_SECONDS}s",
            "-s",
            str(SCRIPT),
            f"{url}/graphql",
        ]
        env = {"BENCH_BODY_FILE": file.name, "BENCH_TOKEN": token, "PATH": "/usr/bin:/bin"}
        before = cpu_seconds(pid)
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        after = cpu_seconds(pid)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {(done.stderr or done.stdout)[-500:]}")
    figures = json.loads(lines[-1][len(MARKER) :])
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        cpu_seconds=after - before,
    )
