"""Operation names, as logs and metric labels may carry them: bounded, in GraphQL's charset.

An operation name is the client's to choose. A log line writes it only when it is a GraphQL
name (`[_A-Za-z][_0-9A-Za-z]*`) of at most `MAX_NAME_LENGTH` characters, so it cannot add
fields, lines or quotes; anything else is written as `INVALID`. A metric label takes the
name only while the process has labelled fewer than `max_labels` distinct names (the names
of known documents, `OperationLabels.know`, always): past that, `OTHER`, so that a client
sending random names cannot grow the series without bound.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

MAX_NAME_LENGTH = 64
ANONYMOUS = "anonymous"
INVALID = "invalid"
OTHER = "other"
NONE = "-"
"""The name of a request that ran no operation (a refusal before one, another route)."""

_NAME = re.compile(rf"[_A-Za-z][_0-9A-Za-z]{{0,{MAX_NAME_LENGTH - 1}}}")
_FIRST_OPERATION = re.compile(r"\A[\s,\ufeff]*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)")


def safe_operation_name(name: object) -> str:
    """`name` if it is a short GraphQL name; `INVALID` otherwise, `ANONYMOUS` for None."""
    if name is None or name == "":
        return ANONYMOUS
    if isinstance(name, str) and _NAME.fullmatch(name):
        return name
    return INVALID


def operation_name_of(operation_name: object, query: object) -> str:
    """The name a request's operation goes by: its `operationName`, else its document's first.

    Only the start of the document is looked at (`query Name`), never the rest of its text.
    """
    if operation_name is None and isinstance(query, str):
        found = _FIRST_OPERATION.match(query[: MAX_NAME_LENGTH + 64])
        if found is not None:
            return safe_operation_name(found.group(1))
    return safe_operation_name(operation_name)


class OperationLabels:
    """The bounded set of operation names metric labels may carry in this process."""

    def __init__(self, max_labels: int) -> None:
        self.max_labels = max_labels
        self._known: set[str] = set()
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def know(self, names: Iterable[str]) -> None:
        """Always label these names (a trusted-documents manifest's operations, say)."""
        with self._lock:
            self._known |= {safe_operation_name(name) for name in names} - {INVALID}

    def label(self, name: str) -> str:
        """The label for a name `safe_operation_name` made."""
        if name in self._known or name in self._seen or name in (ANONYMOUS, INVALID, NONE):
            return name
        with self._lock:
            if len(self._seen) < self.max_labels:
                self._seen.add(name)
                return name
        return OTHER
