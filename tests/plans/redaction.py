"""Bodies shown in a failure with SSNs and dates replaced, so no report or log repeats them."""

from __future__ import annotations

import difflib
import json
import re

_REDACTIONS = (
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "<ssn>"),
    (re.compile(r"\b\d{9}\b"), "<ssn>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "<date>"),
)
"""An SSN written out or bare, and any ISO date (a birth date is one)."""


def redacted(text: str) -> str:
    """`text` with every SSN and ISO date replaced by a placeholder."""
    for pattern, placeholder in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


def _lines(body: bytes) -> list[str]:
    """The body as indented JSON lines (or as text, when it is not JSON), redacted."""
    text = body.decode("utf-8", errors="replace")
    try:
        text = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    except ValueError:
        pass
    return redacted(text).splitlines()


def body_diff(expected: bytes, actual: bytes, *, labels: tuple[str, str]) -> str:
    """A unified diff of two bodies, redacted; says so when they differ only in what was hidden."""
    if expected == actual:
        return "(the bodies are equal)"
    diff = list(
        difflib.unified_diff(
            _lines(expected), _lines(actual), fromfile=labels[0], tofile=labels[1], lineterm=""
        )
    )
    if not diff:
        same = "the bodies differ only inside redacted values, or in their JSON layout"
        return f"({same}: {len(expected)} and {len(actual)} bytes)"
    return "\n".join(diff[:80])
