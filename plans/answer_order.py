"""Errors in the order of their place in the answer, on both execution paths.

graphql-core reports field errors in the order their resolvers failed, which follows
the event loop's scheduling; a compiled plan resolves level by level. Both paths sort
an answer's errors by where they stand in `data` (document order, then list index),
request errors first, so an answer does not depend on which path produced it.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError


def _position(path: Sequence[str | int] | None, data: object) -> tuple[int, ...]:
    if not path:
        return ()
    place: list[int] = []
    node = data
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            place.append(list(node).index(step))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            place.append(step)
            node = node[step]
        else:
            break  # a null the error left on its way up: ties keep their order
    return tuple(place)


def in_answer_order(errors: Sequence[GraphQLError], data: object) -> list[GraphQLError]:
    """`errors` sorted by their path's place in `data`; the sort is stable."""
    return sorted(errors, key=lambda error: _position(error.path, data))


__all__ = ["in_answer_order"]
