"""The run's report: markdown tables, the machine they were measured on, and the failures."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

RESULTS_FILE = Path(__file__).parent / "results" / "latest.md"
PACKAGES = ("strawberry-graphql", "graphql-core", "starlette", "uvicorn", "sqlalchemy", "asyncpg")


@dataclass
class Report:
    """Sections of markdown, notes under them, and what made the run fail."""

    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def table(
        self, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], intro: str = ""
    ) -> None:
        lines = [intro, ""] if intro else []
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        self.sections.append((title, lines))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def fail(self, text: str) -> None:
        print(f"bench: FAILED: {text}", flush=True)
        self.failures.append(text)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "absent"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def machine() -> str:
    """nproc, CPU model and memory: the line the README's table carries."""
    nproc = len(os.sched_getaffinity(0))
    return f"nproc {nproc}, {_cpu_model()}, {_memory()} memory"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: was the machine busy with other work?"""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def machine_info() -> list[str]:
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"machine: {machine()}, {platform.platform()}",
        f"python: {platform.python_version()}; node: {_version(['node', '--version'])}; "
        f"wrk: {_version(['wrk', '--version'])}",
        f"packages: {versions}",
    ]


def render(report: Report, header: Sequence[str]) -> str:
    lines = ["# Hub benchmark", "", *(f"- {line}" for line in header), ""]
    for title, body in report.sections:
        lines += [f"## {title}", "", *body, ""]
    if report.notes:
        lines += ["## Notes", "", *(f"- {note}" for note in report.notes), ""]
    if report.failures:
        lines += ["## FAILED", "", *(f"- {failure}" for failure in report.failures), ""]
    return "\n".join(lines)


def publish(text: str, path: Path = RESULTS_FILE) -> Path:
    """Print the report and write it to `path`."""
    print(text, end="")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
