"""The two peers as processes: the hand-written baseline and the Apollo Server."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.hub_processes import ServerProcess, server_process, token_environment
from bench.peer_tables import asyncpg_dsn
from bench.server import free_port
from settings import Settings

APOLLO_DIR = Path(__file__).parent / "apollo"
BASELINE = "baseline"
APOLLO = "apollo"


def _environment(settings: Settings, peer_url: str, port: int) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PEER_DATABASE_URL": asyncpg_dsn(peer_url),
        "PEER_PORT": str(port),
        **token_environment(settings),
    }


@contextmanager
def baseline_peer(settings: Settings, peer_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    """`python -m bench.baseline_peer` (Starlette + asyncpg + orjson, one process)."""
    port = free_port()
    env = _environment(settings, peer_url, port)
    argv = [sys.executable, "-m", "bench.baseline_peer"]
    root = Path(__file__).parent.parent
    with server_process(
        BASELINE, argv, env, port=port, log=log_dir / "baseline.log", cwd=root
    ) as process:
        yield process


def node_binary() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the Apollo peer needs Node.js 20 or later on PATH (`node`)")
    return node


@contextmanager
def apollo_peer(settings: Settings, peer_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    """`node bench/apollo/server.js` (Apollo Server 5, DataLoader, pg; one process)."""
    if not (APOLLO_DIR / "node_modules" / "@apollo" / "server").is_dir():
        raise RuntimeError("bench/apollo has no node_modules: run `make bench` (it runs npm ci)")
    port = free_port()
    env = {**_environment(settings, peer_url, port), "NODE_ENV": "production"}
    argv = [node_binary(), str(APOLLO_DIR / "server.js")]
    with server_process(
        APOLLO, argv, env, port=port, log=log_dir / "apollo.log", cwd=APOLLO_DIR
    ) as process:
        yield process
