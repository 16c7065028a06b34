"""Batch statements built once: the condition that binds a batch's keys when it runs.

Building a statement costs more CPU than running it (about 165 µs against 125 µs for a
one-key batch on PostgreSQL), so the batch methods of the SQL sources build theirs at
import, with `keys_in(column)` as the condition, and bind only the keys as they run
(`datasources.read_connections.read_batch`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.sqltypes import NULLTYPE
from sqlalchemy.sql.visitors import InternalTraversal

BATCH_KEYS = "keys"
"""The name the keys of a batch are bound by."""


class KeysIn(ColumnElement[Any]):
    """`column` is one of the keys bound as `keys`: a batch statement's one condition.

    PostgreSQL gets `column = ANY($1)`, one array parameter: one statement text, and so
    one prepared statement, however many keys a batch has, and nothing to render per key.
    Other databases get `column IN (...)`, expanded as the statement runs.
    """

    inherit_cache = True
    type = NULLTYPE  # a condition of its own: no `= 1` added where booleans are not native
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column


@compiles(KeysIn)
def _keys_in_list(element: KeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(BATCH_KEYS, expanding=True)), **kw)


@compiles(KeysIn, "postgresql")
def _keys_in_array(element: KeysIn, compiler: SQLCompiler, **kw: Any) -> str:
    keys = bindparam(BATCH_KEYS, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(keys), **kw)


def keys_in(column: ColumnElement[Any]) -> KeysIn:
    """The condition of a batch statement built once: `column` among the keys bound later."""
    return KeysIn(column)
