"""Every transport test also proves that nothing it sent left a traceback in the log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.log_capture import CAPTURE


class LogWindow:
    """The log lines produced since the window opened."""

    def __init__(self) -> None:
        self.start = len(CAPTURE.lines)

    @property
    def lines(self) -> list[str]:
        return CAPTURE.lines[self.start :]


@pytest.fixture(autouse=True)
def test_log() -> Iterator[LogWindow]:
    """This test's log lines; none may hold a traceback."""
    window = LogWindow()
    yield window
    tracebacks = [line for line in window.lines if "Traceback" in line]
    assert not tracebacks, "a client's request left a traceback in the log:\n" + "\n".join(
        tracebacks[:3]
    )
