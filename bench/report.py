"""Results as a compact markdown table, with the machine they were measured on."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

RESULTS_FILE = Path(__file__).parent / "results" / "latest.md"
PACKAGES = ("strawberry-graphql", "graphql-core", "starlette", "uvicorn", "httpx", "sqlalchemy")


@dataclass
class Results:
    """Cells keyed by (section, measurement), one column per backend."""

    backend: str = "sqlite"
    backends: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def use(self, backend: str) -> None:
        self.backend = backend
        if backend not in self.backends:
            self.backends.append(backend)

    def add(self, section: str, measurement: str, value: str) -> None:
        self.cells.setdefault((section, measurement), {})[self.backend] = value

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> list[str]:
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"machine: nproc {nproc}, {_cpu_model()}, {platform.platform()}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"packages: {versions}",
    ]


def render(results: Results, header: list[str]) -> str:
    columns = results.backends or ["value"]
    lines = ["# Hub benchmark", "", *(f"- {line}" for line in header), ""]
    lines.append("| | measurement | " + " | ".join(columns) + " |")
    lines.append("|---|---|" + "---|" * len(columns))
    for (section, measurement), values in results.cells.items():
        row = " | ".join(values.get(column, "") for column in columns)
        lines.append(f"| {section} | {measurement} | {row} |")
    if results.notes:
        lines += ["", *(f"- {note}" for note in results.notes)]
    return "\n".join(lines) + "\n"


def publish(text: str, path: Path = RESULTS_FILE) -> Path:
    """Print the report and write it to `path`."""
    print(text, end="")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
