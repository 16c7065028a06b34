"""What the hub sends its databases, counted per engine: statements, transactions, checkouts.

SQLAlchemy's `before_cursor_execute` sees the statements it runs, not the BEGIN, COMMIT,
ROLLBACK and ping (`;`) that its asyncpg adapter sends by itself; those are taken from
asyncpg's own query log, on each connection as it is checked out. Together they are what
goes over the wire (the prepared-statement cache aside).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", ";")


@dataclass
class Wire:
    """What one engine was sent and how often a connection was checked out of its pool."""

    statements: list[str] = field(default_factory=list)
    checkouts: int = 0
    connects: int = 0

    def starting(self, *words: str) -> list[str]:
        """The statements whose first word is one of `words` (upper case; `;` a ping)."""
        return [s for s in self.statements if _first_word(s) in words]

    @property
    def transaction_control(self) -> list[str]:
        return self.starting(*_CONTROL)


def _first_word(statement: str) -> str:
    text = statement.strip().upper()
    return ";" if text.startswith(";") else text.split(None, 1)[0].rstrip(";") if text else ""


@contextmanager
def wire_counts(engines: Mapping[str, AsyncEngine]) -> Iterator[dict[str, Wire]]:
    """Count per name of `engines` until the block ends (await `settle()` before reading)."""
    wires = {name: Wire() for name in engines}
    listeners: list[tuple[Any, str, Any]] = []
    logged: list[tuple[Any, Any]] = []
    for name, engine in engines.items():
        wire = wires[name]
        sync_engine = engine.sync_engine

        def on_statement(_c: Any, _cu: Any, statement: str, *_a: Any, wire: Wire = wire) -> None:
            wire.statements.append(statement)

        def on_control(record: Any, wire: Wire = wire) -> None:
            if _first_word(record.query) in _CONTROL:
                wire.statements.append(record.query)

        def on_checkout(
            dbapi: Any, _r: Any, _p: Any, wire: Wire = wire, log: Any = on_control
        ) -> None:
            wire.checkouts += 1
            raw: Any = getattr(dbapi, "_connection", None)
            if hasattr(raw, "add_query_logger"):
                raw.add_query_logger(log)
                logged.append((raw, log))

        def on_connect(_dbapi: Any, _r: Any, wire: Wire = wire) -> None:
            wire.connects += 1

        for target, name_, fn in (
            (sync_engine, "before_cursor_execute", on_statement),
            (sync_engine.pool, "checkout", on_checkout),
            (sync_engine.pool, "connect", on_connect),
        ):
            event.listen(target, name_, fn)
            listeners.append((target, name_, fn))
    try:
        yield wires
    finally:
        for target, name_, fn in listeners:
            event.remove(target, name_, fn)
        for raw, log in logged:
            if not raw.is_closed():
                raw.remove_query_logger(log)


async def settle() -> None:
    """Let asyncpg deliver its query log (it calls its loggers soon, not at once)."""
    for _ in range(3):
        await asyncio.sleep(0)
