"""The plans a hub process holds: one per (document, operation, role, clearance), bounded."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import strawberry

from plans.compiled import Plan, compile_plan
from plans.field_kinds import FieldKinds

PlanKey = tuple[str, str | None, str, bool]
"""The document's text, the operation's name, the viewer's role and FTI clearance."""

CAPACITY = 512


@dataclass
class PlanStats:
    compiled: int = 0
    served: int = 0
    fallback: int = 0
    declined_to_compile: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "compiled": self.compiled,
            "served": self.served,
            "fallback": self.fallback,
            "declined_to_compile": self.declined_to_compile,
        }


class PlanCache:
    """Compiled plans, least recently used first out; a key compiles at most once per stay.

    A key whose document plans do not run is remembered as such (None), so it is not
    parsed again on every request.
    """

    def __init__(self, schema: strawberry.Schema, capacity: int = CAPACITY) -> None:
        self.kinds = FieldKinds(schema)
        self.capacity = capacity
        self.stats = PlanStats()
        self._plans: OrderedDict[PlanKey, Plan | None] = OrderedDict()

    def get(self, key: PlanKey) -> Plan | None:
        plan = self._plans.get(key)
        if plan is not None:
            self._plans.move_to_end(key)
        return plan

    def learn(self, key: PlanKey) -> None:
        """Compile `key`'s document, which the standard path has just answered."""
        if key in self._plans:
            return
        plan = compile_plan(self.kinds, key[0], key[1])
        if plan is None:
            self.stats.declined_to_compile += 1
        else:
            self.stats.compiled += 1
        self._plans[key] = plan
        while len(self._plans) > self.capacity:
            self._plans.popitem(last=False)


__all__ = ["PlanCache", "PlanKey", "PlanStats"]
