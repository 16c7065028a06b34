"""The npm reference clients of tests/clients, run with node from the tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
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


def start(script: str, *args: str, token: str) -> subprocess.Popen[str]:
    """Start `tests/clients/<script>` with the bearer token in HUB_TOKEN; lines on stdout."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HUB_TOKEN": token}
    return subprocess.Popen(
        [node(), script, *args],
        cwd=CLIENTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(script: str, *args: str, token: str, timeout: float) -> list[dict[str, Any]]:
    """Run a script to its end within `timeout` seconds; its JSON lines, or a failure."""
    process = start(script, *args, token=token)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"{script} ran over {timeout} s:\n{out}\n{err}") from None
    assert process.returncode == 0, f"{script} exited {process.returncode}:\n{out}\n{err}"
    return [json.loads(line) for line in out.splitlines() if line.strip()]
