"""The hubs the harness attacks, and the log lines each writes while a request runs.

Hand-made requests go to a real `hub serve` process (tests/services/hub_process.py):
the shapes issue 8 names can stop a hub for good, and a stopped process, unlike a
server thread inside the test session, can be killed (by the pid it wrote) and started
afresh. Generated requests go to a uvicorn server in this process, whose log records
tests/log_capture.py keeps.
"""

from __future__ import annotations

import os
import signal
from contextlib import ExitStack
from pathlib import Path

from tests.conftest import Hub
from tests.log_capture import CAPTURE
from tests.services.hub_process import hub_process


class CapturedLog:
    """The session's captured log lines (tests/log_capture.py) since the last read."""

    def __init__(self) -> None:
        self.seen = len(CAPTURE.lines)

    def new_lines(self) -> list[str]:
        lines = CAPTURE.lines[self.seen :]
        self.seen += len(lines)
        return list(lines)


class HubServeProcess:
    """`hub serve` on the harness's databases; killed and restarted when it stops answering."""

    def __init__(self, hub: Hub, root: Path) -> None:
        self.hub = hub
        self.root = root
        self.starts = 0
        self.url = ""
        self._stack = ExitStack()
        self._log: Path | None = None
        self._read = 0

    def start(self) -> str:
        self.starts += 1
        data_dir = self.root / f"run{self.starts}"
        self.url = self._stack.enter_context(hub_process(self.hub, None, data_dir))
        self._log = data_dir / "hub.log"
        self._read = 0
        return self.url

    def restart(self) -> str:
        """Kill the stopped process by its pid file, then start a fresh one."""
        pid_file = self.root / f"run{self.starts}" / "hub.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        self._stack.close()
        self._stack = ExitStack()
        return self.start()

    def new_lines(self) -> list[str]:
        """Lines the process wrote to its log since the last read."""
        assert self._log is not None
        with self._log.open("rb") as log:
            log.seek(self._read)
            data = log.read()
        self._read += len(data)
        return data.decode("utf-8", "replace").splitlines()

    def close(self) -> None:
        self._stack.close()
