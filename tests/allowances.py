"""How long the tests that bound a latency allow, stretched while a tracer slows the code.

A few tests hold the hub to its promise that no request stalls it for others (a refusal
within 0.5 s, a probe behind the worst accepted document within 100 ms). They measure wall
time, so they measure the interpreter too: under coverage's tracer (`make test` measures
branch coverage) every Python line of the hub and of the test costs several times more, and
an allowance written for the untraced hub fails for that reason alone. While a tracer runs,
each allowance is stretched by the slowdown measured on this project's suite under branch
coverage (about 2x on the hub's request path; 3x leaves room for a loaded machine). Without a
tracer the allowances are exactly as written.
"""

from __future__ import annotations

import sys

TRACED_SLOWDOWN = 3.0


def traced() -> bool:
    """Whether a tracer (coverage, a debugger) runs in this process."""
    return sys.gettrace() is not None


def allowance(seconds: float) -> float:
    """`seconds`, stretched by TRACED_SLOWDOWN while a tracer runs."""
    return seconds * TRACED_SLOWDOWN if traced() else seconds
