"""What a refusal says, and the refusal that leaves no existence oracle.

A record the viewer may not see and a key that names no record must get the same
answer: otherwise "FORBIDDEN" for one and "null" for the other tells the viewer which
keys exist (another employer's FEIN, another state's certification id).
"""

from __future__ import annotations

from policy.enforcer import PolicyDecider
from policy.tokens import Viewer
from policy.vocabulary import Action, Outcome, Relation, Resource

MESSAGES = {
    "FORBIDDEN": "not allowed for this viewer",
    "FTI_RESTRICTED": "Federal Tax Information needs FTI clearance",
    "FVI_PROTECTED": "disclosure prohibited: family violence indicator",
    "NOT_FOUND": "not found",
}


def message_of(code: str) -> str:
    """The safe message of a refusal with this contract code."""
    return MESSAGES.get(code, MESSAGES["FORBIDDEN"])


def unrelated_refusal(decider: PolicyDecider, viewer: Viewer, resource: Resource) -> str | None:
    """The code a record of `resource` unrelated to the viewer gets; None when it is readable.

    Answer a key that names no record with this code too, and the two are alike.
    """
    decision = decider.decide(viewer.role, viewer.fti, Relation.OTHER, resource, Action.READ)
    if decision.outcome in (Outcome.ALLOW, Outcome.MASK):
        return None
    return decision.code or "FORBIDDEN"
