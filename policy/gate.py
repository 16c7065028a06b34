"""The one gate: every access decision of the hub is asked here, audited here, refused here.

`Gate.check` is the one path: decide (from `PolicyDecider`'s cache, one Casbin evaluation
per key), record the audit event in the request's `AuditLog`, and raise the contract
refusal (`Refused`, with the policy line's code and a safe message). The helpers below
it are that path applied to what `policy.registry` declares: a field read, an object in
a list, a list's scope, a filter, a write, a subscription and its items, a download and
introspection. This is the one module that imports the decider (`policy.enforcer`):
the composition root builds the gate with `load_gate`, reloading and `hub policy check`
go through it too, and everything else asks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from datasources.audit import AuditAction, AuditEventDraft, AuditOutcome
from policy.audit import AuditLog
from policy.enforcer import POLICY_PATH, Decision, PolicyDecider, PolicyError
from policy.rate_limits import RateLimits
from policy.refusals import Refused, message_of
from policy.registry import (
    DOWNLOADS,
    FILTER_READS,
    INPUT_RULES,
    INTROSPECTION,
    ITEM_RULES,
    KEYED_LOOKUPS,
    LIST_SCOPES,
    SUBSCRIPTIONS,
    WRITE_RULES,
    FieldRule,
    ItemRule,
)
from policy.tokens import Viewer
from policy.vocabulary import Action, Classification, Outcome, Relation, Resource

_ALLOW = frozenset({Outcome.ALLOW})
_READABLE = frozenset({Outcome.ALLOW, Outcome.MASK})
LIST_REFUSAL = "not allowed for this viewer"
SEARCH_REFUSAL = "searching by this value is not allowed for this viewer"
INTROSPECTION_REFUSAL = "introspection is not allowed"


@dataclass(frozen=True)
class Trail:
    """Where a decision is recorded: the request's audit log, and what names the event."""

    audit: AuditLog
    operation: str | None
    resource: str
    record_id: str | None = None

    def record(self, action: AuditAction, outcome: AuditOutcome) -> None:
        self.audit.record(
            operation=self.operation,
            action=action,
            resource=self.resource,
            record_id=self.record_id,
            outcome=outcome,
        )

    def draft(self, action: AuditAction, outcome: AuditOutcome) -> AuditEventDraft:
        """The event `record` would add, for a source to store with its change instead."""
        return self.audit.draft(
            operation=self.operation,
            action=action,
            resource=self.resource,
            record_id=self.record_id,
            outcome=outcome,
        )


class Scope(Enum):
    ALL = "all"
    """Every row."""
    RELATED = "related"
    """Only rows to which the viewer has one of the narrowing relations."""
    NONE = "none"
    """No row: every row is left out of the list."""


@dataclass(frozen=True)
class ListScope:
    """How far a list reaches for this viewer; `relations` are the narrowing ones allowed."""

    scope: Scope
    relations: frozenset[Relation] = frozenset()


class Gate:
    """Decides, audits and refuses every protected action, over one `PolicyDecider`.

    Built once by the composition root (`app.py`) and shared by every request; the
    decision cache is the decider's, so a decision asked twice is evaluated once
    (`evaluations` counts the real Casbin evaluations).
    """

    def __init__(self, decider: PolicyDecider, limits: RateLimits | None = None) -> None:
        self.decider = decider
        self.limits = limits  # None: no rate limits (a gate for tools, not for serving)

    async def admit_request(self, viewer: Viewer, operation: str | None, audit: AuditLog) -> None:
        """Spend one request of the viewer's rate limit.

        Raises:
            RateLimited: the budget is spent; the refusal is in `audit`.
        """
        if self.limits is not None:
            await self.limits.admit_request(viewer, operation, audit)

    async def admit_search(self, viewer: Viewer, operation: str | None, audit: AuditLog) -> None:
        """Spend one search by identifying data (`IDENTIFYING_SEARCHES`) of the viewer's budget.

        Raises:
            RateLimited: the budget is spent; the refusal is in `audit`.
        """
        if self.limits is not None:
            await self.limits.admit_search(viewer, operation, audit)

    @property
    def evaluations(self) -> int:
        return self.decider.evaluations

    @property
    def policy_rules(self) -> int:
        """How many rules the loaded policy holds (`/readyz` asks)."""
        return self.decider.rules

    @property
    def policy_files(self) -> tuple[Path, Path]:
        """The model and policy files the decisions come from (watched in development)."""
        return self.decider.model_path, self.decider.policy_path

    def reload(self) -> None:
        """Read the policy files again, dropping cached decisions.

        Raises:
            PolicyError: the files do not make a valid policy; the old one stays.
        """
        self.decider.reload()

    def policy_outcome(
        self, role: str, fti: bool, relation: Relation, resource: Resource
    ) -> Decision:
        """One cell of `hub policy check`'s table: what a role gets, for no viewer or request.

        Nothing is audited or refused: this describes the policy, it answers nobody.
        """
        return self.decider.decide(role, fti, relation, resource, Action.READ)

    def _decide(
        self, viewer: Viewer, resource: Resource, relation: Relation, action: Action = Action.READ
    ) -> Decision:
        """The policy's decision alone; callers outside go through `check`, which audits."""
        return self.decider.decide(viewer.role, viewer.fti, relation, resource, action)

    def check(
        self,
        viewer: Viewer,
        resource: Resource,
        relation: Relation,
        *,
        action: Action = Action.READ,
        trail: Trail | None = None,
        passes: frozenset[Outcome] = _ALLOW,
        audit_allowed: bool = False,
        in_list: bool = False,
        refuse: bool = True,
        message: str | None = None,
    ) -> Decision:
        """The one decide-audit-refuse path.

        A decision whose outcome `passes` is returned (audited as a read when
        `audit_allowed` and allowed in full). Any other is audited as a denial
        ("omitted" in a list) and refused, unless it is an omission from a list or
        `refuse` is off (writes answer their refusal as a userError): then it is
        returned for the caller to leave the item out or report the problem.
        """
        decision = self._decide(viewer, resource, relation, action)
        if decision.outcome in passes:
            if trail is not None and audit_allowed and decision.outcome is Outcome.ALLOW:
                trail.record("read", "allowed")
            return decision
        if trail is not None:
            trail.record("deny", "omitted" if in_list else "denied")
        if not refuse or (in_list and decision.outcome is Outcome.OMIT):
            return decision
        raise _refusal(decision.code, message)

    # -- reads of the schema (schema.guard) ---------------------------------------------

    def read_field(self, viewer: Viewer, rule: FieldRule, facts: object, trail: Trail) -> Decision:
        """A protected field of an object: allowed, masked, or refused (and audited)."""
        return self.check(
            viewer,
            rule.resource,
            rule.relation(facts, viewer),
            trail=trail,
            passes=_READABLE,
            audit_allowed=rule.classification is not Classification.NONE,
        )

    def read_item(
        self, viewer: Viewer, rule: ItemRule, facts: object, trail: Trail, *, in_list: bool
    ) -> bool:
        """An object decided on its own facts: kept, left out of a list, or refused."""
        decision = self.check(
            viewer,
            rule.resource,
            rule.relation(facts, viewer),
            trail=trail,
            audit_allowed=rule.classification is not Classification.NONE,
            in_list=in_list,
        )
        return decision.outcome is Outcome.ALLOW

    # -- lists, filters and keyed lookups (resolvers) -----------------------------------

    def list_scope(self, viewer: Viewer, coordinate: str) -> ListScope:
        """The scope of the root list at `coordinate` (LIST_SCOPES), or its refusal."""
        rule = LIST_SCOPES[coordinate]
        allowed = self._allowed(viewer, rule.resource, (Relation.OTHER, *rule.narrowing))
        if Relation.OTHER in allowed:
            return ListScope(Scope.ALL)
        if allowed:
            return ListScope(Scope.RELATED, frozenset(allowed))
        if not rule.refuses:
            return ListScope(Scope.NONE)
        # omitted rows make an empty list; anything else (a mask too) refuses the list
        self.check(
            viewer,
            rule.resource,
            Relation.OTHER,
            passes=frozenset({Outcome.OMIT}),
            message=LIST_REFUSAL,
        )
        return ListScope(Scope.NONE)

    def filter_scope(
        self,
        viewer: Viewer,
        coordinate: str,
        arguments: Iterable[str],
        trail: Trail,
        *,
        search: bool = False,
    ) -> Scope:
        """How far the filters `arguments` of `coordinate` may reach (FILTER_READS).

        A filter is a read of what it filters on: a match confirms the value searched for.
        So it reaches only the records whose value the viewer may read in full: every
        record (ALL) or the viewer's own participants (RELATED); else the search is
        refused and audited. A masked value is not readable in full, so a masked SSN is
        never confirmable by search. A `search` (a filter on who someone is) that may run
        is audited as a read of the trail's resource.
        """
        reads = FILTER_READS[coordinate]
        scopes = [self._filter_reach(viewer, reads[name]) for name in arguments]
        refused = next((code for code in scopes if isinstance(code, str)), None)
        if refused is not None:
            trail.record("deny", "denied")
            raise _refusal(refused, SEARCH_REFUSAL)
        if search:
            trail.record("read", "allowed")
        return Scope.ALL if all(scope is Scope.ALL for scope in scopes) else Scope.RELATED

    def filter_matches(
        self,
        audit: AuditLog,
        operation: str | None,
        coordinate: str,
        arguments: Iterable[str],
        record_ids: Iterable[str],
    ) -> None:
        """Audit each match a filter listed as a read of the value filtered on, of that record."""
        reads = FILTER_READS[coordinate]
        ids = list(record_ids)
        for name in arguments:
            for record_id in ids:
                Trail(audit, operation, reads[name], record_id).record("read", "allowed")

    def _filter_reach(self, viewer: Viewer, resource: Resource) -> Scope | str:
        allowed = self._allowed(viewer, resource, (Relation.OTHER, Relation.OWN))
        if Relation.OTHER in allowed:
            return Scope.ALL
        if Relation.OWN in allowed:
            return Scope.RELATED
        decision = self._decide(viewer, resource, Relation.OTHER)
        return decision.code if decision.outcome is Outcome.DENY and decision.code else "FORBIDDEN"

    def refuse_unrelated(self, viewer: Viewer, lookup: str, trail: Trail | None = None) -> None:
        """Refuse as a record unrelated to the viewer would be (KEYED_LOOKUPS): no oracle.

        Call it for a key the viewer may not read by relation, or one that names no
        record: both get the same answer.
        """
        self.check(viewer, KEYED_LOOKUPS[lookup], Relation.OTHER, trail=trail, passes=_READABLE)

    def refuse_missing_node(self, viewer: Viewer, typename: str) -> None:
        """A node id that names no record: refused as an unrelated record of its type."""
        rule = ITEM_RULES.get(typename)
        if rule is not None:
            self.check(viewer, rule.resource, Relation.OTHER, passes=_READABLE)

    # -- writes -------------------------------------------------------------------------

    def write(self, viewer: Viewer, mutation: str, facts: object = None) -> Decision:
        """Whether `mutation` (WRITE_RULES) may change the record of `facts`.

        Not refused here: a refused write is answered as a userError with the decision's
        code, and the resolver audits the attempt as the write it was.
        """
        rule = WRITE_RULES[mutation]
        relation = rule.relation(facts, viewer)
        return self.check(viewer, rule.resource, relation, action=Action.WRITE, refuse=False)

    def may_send_fti(self, viewer: Viewer) -> Decision:
        """Only a viewer who could read FTI content as a party may send it (INPUT_RULES)."""
        rule = INPUT_RULES["SendDocumentInput.containsFti"]
        return self.check(viewer, rule.resource, rule.relation, refuse=False)

    # -- subscriptions, downloads, introspection (transport) ----------------------------

    def may_subscribe(self, viewer: Viewer, subscription: str) -> bool:
        """Whether the viewer may open `subscription` at all (at connection_init)."""
        resource = SUBSCRIPTIONS[subscription].subscribe
        return self.check(viewer, resource, Relation.ANY, refuse=False).outcome is Outcome.ALLOW

    def subscription_item(self, viewer: Viewer, subscription: str, facts: object) -> bool:
        """Whether one result of `subscription` reaches the subscriber; others are skipped."""
        rule = SUBSCRIPTIONS[subscription].item
        decision = self.check(viewer, rule.resource, rule.relation(facts, viewer), refuse=False)
        return decision.outcome is Outcome.ALLOW

    def download(self, viewer: Viewer, route: str, facts: object, trail: Trail) -> None:
        """The rules of a download route (DOWNLOADS), each that applies, allowed in full."""
        for rule in DOWNLOADS[route]:
            if rule.applies(facts):
                self.check(viewer, rule.resource, rule.relation(facts, viewer), trail=trail)

    # -- what happened after a decision: still the gate's trail ---------------------------

    def record_write(self, trail: Trail, *, written: bool) -> None:
        """A mutation attempt, written or refused (by its rule or its input).

        Every attempt is its own event, never collapsed with another: three writes in one
        request are three events. Its input's values and problems are not recorded.
        """
        trail.record("write", "written" if written else "refused")

    def write_event(self, trail: Trail) -> AuditEventDraft:
        """A mutation's written event, drafted for the source to store with the change.

        The source inserts it in the change's own transaction (its audit outbox, relayed
        into the trail by `datasources.audit_relay`): the change and its event commit
        together or not at all. It is not recorded in the request's log.
        """
        return trail.draft("write", "written")

    def record_download(self, trail: Trail, *, released: bool) -> None:
        """A download's outcome: content released (a read), or a link refused before any rule."""
        if released:
            trail.record("read", "allowed")
        else:
            trail.record("deny", "denied")

    def introspection(self, viewer: Viewer, *, development: bool, trail: Trail) -> None:
        """`__schema` and `__type`, by role and the hub's mode; refused and audited."""
        relation = Relation.DEVELOPMENT if development else Relation.PRODUCTION
        self.check(viewer, INTROSPECTION, relation, trail=trail, message=INTROSPECTION_REFUSAL)

    def _allowed(
        self, viewer: Viewer, resource: Resource, relations: Iterable[Relation]
    ) -> set[Relation]:
        return self.decider.relations_allowed(viewer.role, viewer.fti, resource, relations)


def _refusal(code: str | None, message: str | None) -> Refused:
    """The contract's refusal: the policy line's code (FORBIDDEN when it names none)."""
    code = code or "FORBIDDEN"
    return Refused(code, message or message_of(code))


def load_gate(policy_path: Path | None = None, limits: RateLimits | None = None) -> Gate:
    """A gate over the policy file at `policy_path` (the packaged policy by default).

    Raises:
        PolicyError: the model and policy files do not make a valid policy.
    """
    return Gate(PolicyDecider(policy_path=policy_path or POLICY_PATH), limits)


__all__ = ["Gate", "ListScope", "PolicyError", "Scope", "Trail", "load_gate"]
