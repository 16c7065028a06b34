"""Fields whose value a resolver function answers, declared with their GraphQL type.

The schema declares what a client sees: `cases: list[CaseParticipant] = resolved_by(...)`.
The resolver is a function of `resolvers/` that takes the parent's view (`root`) and
answers views (`resolvers.views`), not instances of the schema's types; strawberry takes
the field's GraphQL type from the class annotation, and the view's `typename` says which
type it is served as. So the annotation and the resolver's return type differ by design,
and this helper is typed `Any` to say so once, here, instead of a cast on every field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry


def resolved_by(resolver: Callable[..., object], *, description: str | None = None) -> Any:
    """A field answered by `resolver`; its GraphQL type is the attribute's annotation."""
    return strawberry.field(resolver=resolver, description=description)
