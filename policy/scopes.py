"""Which rows of a list a viewer may see, asked of the policy before the source is queried.

Leaving rows out after the query would break `totalCount` and page sizes, so root
lists push the policy's answer down to the source as a filter.
"""

from __future__ import annotations

from enum import Enum

from policy.enforcer import PolicyDecider
from policy.tokens import Viewer
from policy.vocabulary import Action, Outcome, Relation, Resource


class Scope(Enum):
    ALL = "all"
    """Every row."""
    RELATED = "related"
    """Only rows to which the viewer has the narrowing relation."""
    NONE = "none"
    """No row: every row is left out of the list."""
    REFUSED = "refused"
    """The list itself is refused."""


def list_scope(
    decider: PolicyDecider, viewer: Viewer, resource: Resource, narrowing: Relation
) -> tuple[Scope, str | None]:
    """The viewer's scope of a list of `resource`, and the code when it is refused."""
    allowed = decider.relations_allowed(
        viewer.role, viewer.fti, resource, (Relation.OTHER, narrowing)
    )
    if Relation.OTHER in allowed:
        return Scope.ALL, None
    if narrowing in allowed:
        return Scope.RELATED, None
    decision = decider.decide(viewer.role, viewer.fti, Relation.OTHER, resource, Action.READ)
    if decision.outcome is Outcome.OMIT:
        return Scope.NONE, None
    return Scope.REFUSED, decision.code or "FORBIDDEN"


def filter_scope(
    decider: PolicyDecider, viewer: Viewer, resource: Resource
) -> tuple[Scope, str | None]:
    """How far a filter on the value of `resource` may reach, for this viewer.

    A filter is a read of what it filters on: a match confirms the value searched for. So
    it may reach only the records whose value the viewer may read in full: every record
    (ALL), the viewer's own participants (RELATED), or none (REFUSED, with the code).
    A masked value is not readable in full, so a masked SSN is never confirmable by search.
    """
    allowed = decider.relations_allowed(
        viewer.role, viewer.fti, resource, (Relation.OTHER, Relation.OWN)
    )
    if Relation.OTHER in allowed:
        return Scope.ALL, None
    if Relation.OWN in allowed:
        return Scope.RELATED, None
    decision = decider.decide(viewer.role, viewer.fti, Relation.OTHER, resource, Action.READ)
    return Scope.REFUSED, decision.code if decision.outcome is Outcome.DENY else "FORBIDDEN"
