"""The only module that speaks to Casbin: load the policy, decide, cache, reload."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import casbin

from policy.vocabulary import Action, Outcome, Relation, Resource
from settings import SettingsError

logger = logging.getLogger("hub.policy")
# Casbin logs the whole model and policy at INFO on every load; our own line says enough.
logging.getLogger("casbin").setLevel(logging.WARNING)

POLICY_DIR = Path(__file__).resolve().parent
MODEL_PATH = POLICY_DIR / "model.conf"
POLICY_PATH = POLICY_DIR / "policy.csv"


class PolicyError(SettingsError):
    """The policy files do not make a valid policy (a configuration error: the hub cannot run)."""


@dataclass(frozen=True)
class Decision:
    """What happens to one value: an outcome and, for omit and deny, the error code."""

    outcome: Outcome
    code: str | None = None
    rule: tuple[str, ...] = ()


DENY_BY_DEFAULT = Decision(Outcome.DENY, "FORBIDDEN")

DecisionKey = tuple[str, str, str, str, str]


def _parse_outcome(text: str, rule: tuple[str, ...]) -> Decision:
    name, _, code = text.partition(":")
    try:
        outcome = Outcome(name)
    except ValueError as error:
        raise PolicyError(f"unknown outcome {text!r} in rule {', '.join(rule)}") from error
    if outcome is Outcome.DENY and not code:
        raise PolicyError(f"deny needs a code in rule {', '.join(rule)}")
    return Decision(outcome, code or None, rule)


def _check_rules(rules: Iterable[list[str]]) -> None:
    known = {resource.value for resource in Resource}
    for rule in rules:
        if rule[4] not in known:
            raise PolicyError(f"unknown resource {rule[4]!r} in rule {', '.join(rule)}")
        if not rule[0].isdigit():
            raise PolicyError(f"priority must be a number in rule {', '.join(rule)}")
        _parse_outcome(rule[6], tuple(rule))


def load_enforcer(
    model_path: Path = MODEL_PATH, policy_path: Path = POLICY_PATH
) -> casbin.Enforcer:
    """Load and check the model and policy files."""
    for path in (model_path, policy_path):
        if not path.is_file():
            raise PolicyError(f"cannot read {path.name}: no such file")
    try:
        enforcer = casbin.Enforcer(str(model_path), str(policy_path))
    except Exception as error:  # casbin raises bare exceptions for malformed files
        raise PolicyError(f"cannot load {policy_path.name}: {error}") from error
    rules = enforcer.get_policy()
    if not rules:
        # Casbin loads an empty file as a policy that denies everything: never what was meant
        raise PolicyError(f"{policy_path.name} holds no rules")
    _check_rules(rules)
    return enforcer


@dataclass
class PolicyDecider:
    """Decisions per (role, clearance, relation, resource, action), each evaluated once.

    Enforcement is in memory and synchronous; a cached decision costs a dict lookup.
    `evaluations` counts the real Casbin evaluations (tests assert it stays flat).
    """

    model_path: Path = MODEL_PATH
    policy_path: Path = POLICY_PATH
    evaluations: int = 0
    _enforcer: casbin.Enforcer = field(init=False)
    _cache: dict[DecisionKey, Decision] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._enforcer = load_enforcer(self.model_path, self.policy_path)

    @property
    def rules(self) -> int:
        """How many policy rules the decisions come from (never 0 once loaded)."""
        return len(self._enforcer.get_policy())

    def reload(self) -> None:
        """Read the files again; keep the old policy when the new one is invalid."""
        enforcer = load_enforcer(self.model_path, self.policy_path)
        self._enforcer, self._cache = enforcer, {}
        logger.info("policy reloaded from %s", self.policy_path.name)

    def decide(
        self, role: str, fti: bool, relation: Relation, resource: Resource, action: Action
    ) -> Decision:
        key: DecisionKey = (role, "fti" if fti else "none", relation, resource, action)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._evaluate(key)
        return cached

    def _evaluate(self, key: DecisionKey) -> Decision:
        self.evaluations += 1
        allowed, explain = self._enforcer.enforce_ex(*key)
        if not allowed or not explain:
            return DENY_BY_DEFAULT
        rule = tuple(explain)
        return _parse_outcome(rule[6], rule)

    def relations_allowed(
        self, role: str, fti: bool, resource: Resource, relations: Iterable[Relation]
    ) -> set[Relation]:
        """Of `relations`, those under which `resource` may be read in full."""
        return {
            relation
            for relation in relations
            if self.decide(role, fti, relation, resource, Action.READ).outcome is Outcome.ALLOW
        }
