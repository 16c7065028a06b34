"""How a plan resolves one field: read an attribute, ask the guard, batch, or the resolver.

Strawberry resolves a field through its resolver wrapped in its field extensions. For the
shapes below, a plan does the same work without the wrapping: a field with no resolver and
no extension is the view's attribute; one whose only extension is the `Guard` asks the
guard before and after reading it; a field with a batch form (`resolvers.batches`) is
answered for every parent of a level in one call, the guard asked per parent. Any other
field (root fields with their input limits, resolvers taking arguments) resolves through
the resolver the schema built, exactly as the standard path calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from resolvers.batches import BATCHES, Batch
from schema.guard import Guard


@dataclass(frozen=True, slots=True)
class FieldKind:
    attribute: str | None
    """Read this attribute of the parent (no resolver)."""
    guard: Guard | None
    """The field's guard, when it is its only extension."""
    batch: Batch | None
    """Resolve every parent of a level at once."""


GENERIC = FieldKind(None, None, None)


def field_kind(schema: strawberry.Schema, type_name: str, field_name: str) -> FieldKind:
    """How a plan resolves `type_name.field_name` of `schema`."""
    field = schema.get_field_for_type(field_name, type_name)
    if field is None:
        return GENERIC
    extensions = list(field.extensions)
    guard = extensions[0] if len(extensions) == 1 and isinstance(extensions[0], Guard) else None
    if extensions and guard is None:
        return GENERIC
    if field.base_resolver is None:
        return FieldKind(field.python_name, guard, None)
    batch = BATCHES.get(f"{type_name}.{field_name}")
    if batch is not None and not field.arguments:
        return FieldKind(None, guard, batch)
    return GENERIC


class FieldKinds:
    """`field_kind` of one schema, remembered per field."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self.schema = schema
        self._kinds: dict[tuple[str, str], FieldKind] = {}

    def of(self, type_name: str, field_name: str) -> FieldKind:
        key = (type_name, field_name)
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = field_kind(self.schema, type_name, field_name)
        return kind


__all__ = ["GENERIC", "FieldKind", "FieldKinds", "field_kind"]
