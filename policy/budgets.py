"""How costly one operation may be, per role: the static cost of `schema/document_shape.py`.

The cost is how many values an answer can hold (every field counts once for each item
of every list above it, a list counting its `first`/`last` or the page cap). A budget is
a number, not one of the outcomes the Casbin policy gives a value (allow, mask, omit,
deny), so it lives here as a table beside the policy files rather than in them.

Caseworkers' and OCSS staff's systems read case lists a full page at a time with the
people on each case (`cases(first: 100)` with participants: 9,705; a state system's
QUICK view of 50 cases with worker, financials and activities: 11,451); the other roles
read fewer records at once, or one organisation's own (an employer's hundred notices
with their states: 2,604). The README's examples cost 1,945
(MyCases), 616 (CaseView) and 193 (the analyst's). Introspection is costed apart, under
one cap for every role (`schema/limits.py`).

The largest budget is set by time, not by need: an accepted operation must not hold the
event loop so long that other requests wait past 100 ms. A state system's 50-case view
with each person's employment and certifications (the benchmark's CaseList) costs 63,851,
since a list without a size counts 10 items; 70,000 admits it and a full page of cases
with people and certifications. A repeated document runs as a compiled plan (`plans/`),
which yields to the loop between levels and holds it a few milliseconds per level; the
no-stall test (tests/schema/test_limits.py) runs the largest page the budget admits
while timing viewer and health probes.
"""

from __future__ import annotations

from types import MappingProxyType

OPERATION_COST_BUDGETS = MappingProxyType(
    {
        "state_worker": 70_000,
        "tribal_worker": 70_000,
        "ocss_staff": 70_000,
        "international": 7_500,
        "auditor": 7_500,
        "analyst": 7_500,
        "employer": 5_000,
        "insurer": 5_000,
        "financial_institution": 5_000,
    }
)
UNKNOWN_ROLE_BUDGET = min(OPERATION_COST_BUDGETS.values())
"""A viewer whose role has no line gets the smallest budget (deny by default, but allow
the cheapest reads)."""


def operation_cost_budget(role: str) -> int:
    """The highest static cost an operation of a viewer with `role` may have."""
    return OPERATION_COST_BUDGETS.get(role, UNKNOWN_ROLE_BUDGET)
