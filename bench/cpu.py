"""CPU time of a server process and its children, from /proc/<pid>/stat."""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def cpu_seconds(pid: int) -> float:
    """Utime + stime of `pid`, of its live descendants, and of its reaped children."""
    total_ticks = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        fields = _stat_fields(current)
        if fields is None:
            continue
        # after the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17)
        total_ticks += sum(int(fields[index - 3]) for index in (14, 15, 16, 17))
        pending += _children(current)
    return total_ticks / CLOCK_TICKS
