"""The npm reference clients of tests/clients, run with node from the tests."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).resolve().parents[1] / "clients"
INSTALLED = CLIENTS / "node_modules" / ".installed"


def node() -> str:
    """The node executable; fails with a clear message where there is none."""
    found = shutil.which("node")
    assert found, "node is not installed: the transport tests run npm clients with it"
    assert INSTALLED.exists(), (
        f"the npm test clients are not installed: run `make test-clients` ({CLIENTS})"
    )
    return found


def _env(token: str) -> dict[str, str]:
    """The bearer token in HUB_TOKEN, and nothing else of this process's environment."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HUB_TOKEN": token}


def run(script: str, *args: str, token: str, timeout: float) -> list[dict[str, Any]]:
    """Run `tests/clients/<script>` to its end within `timeout` s; its JSON lines, or a failure."""
    process = subprocess.Popen(
        [node(), script, *args],
        cwd=CLIENTS,
        env=_env(token),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"{script} ran over {timeout} s:\n{out}\n{err}") from None
    assert process.returncode == 0, f"{script} exited {process.returncode}:\n{out}\n{err}"
    return [json.loads(line) for line in out.splitlines() if line.strip()]


class LineReader:
    """A started script's stdout, one JSON line at a time, each within a timeout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def next(self, seconds: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), seconds)
        except TimeoutError:
            raise AssertionError(f"no line from the client within {seconds} s") from None
        if not line:
            raise AssertionError(f"the client ended: {await self.errors()}")
        parsed: dict[str, Any] = json.loads(line)
        return parsed

    async def errors(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode(errors="replace")

    async def exit_code(self, seconds: float) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), seconds)
        except TimeoutError:
            raise AssertionError(f"the client still runs after {seconds} s") from None


@asynccontextmanager
async def started(script: str, *args: str, token: str) -> AsyncIterator[LineReader]:
    """`tests/clients/<script>` running under asyncio; killed if still running at the end."""
    process = await asyncio.create_subprocess_exec(
        node(),
        script,
        *args,
        cwd=CLIENTS,
        env=_env(token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield LineReader(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
