"""`hub state-sim` (state_sim/command.py): the simulator as a process, modes from flags."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.services.servers import free_port

HUB = str(Path(sys.executable).parent / "hub")


def test_state_sim_command_serves_with_modes_from_the_command_line():
    # given `hub state-sim` started with a switched state
    port = free_port()
    args = [HUB, "state-sim", "--port", str(port), "--delay", "0", "--mode", "36=fail"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # when its health check answers
        health = _wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
        # then it shows the switch
        assert health == {"status": "ok", "modes": {"36": "fail"}}
    finally:
        process.terminate()
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


def test_state_sim_command_refuses_a_bad_mode():
    result = subprocess.run(
        [HUB, "state-sim", "--mode", "36=sleepy"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "CODE=MODE" in result.stderr


def _wait_for_health(url: str, process: subprocess.Popen[bytes]) -> object:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return httpx.get(url, timeout=1).json()
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("hub state-sim did not come up")
