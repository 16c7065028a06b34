"""How costly one operation may be, per role: the static cost of `schema/document_shape.py`.

The cost is how many values an answer can hold (every field counts once for each item
of every list above it, a list counting its `first`/`last` or the page cap). A budget is
a number, not one of the outcomes the Casbin policy gives a value (allow, mask, omit,
deny), so it lives here as a table beside the policy files rather than in them.

Caseworkers' and OCSS staff's systems read case lists a full page at a time with the
people on each case and their certifications (`cases(first: 100)` with participants:
9,705); the other roles read a few records, or one organisation's own. The README's
examples cost 1,945 (MyCases), 616 (CaseView) and 193 (the analyst's). Introspection
is costed apart, under one cap for every role (`schema/limits.py`).
"""

from __future__ import annotations

from types import MappingProxyType

OPERATION_COST_BUDGETS = MappingProxyType(
    {
        "state_worker": 50_000,
        "tribal_worker": 50_000,
        "ocss_staff": 50_000,
        "international": 20_000,
        "auditor": 20_000,
        "analyst": 20_000,
        "employer": 10_000,
        "insurer": 10_000,
        "financial_institution": 10_000,
    }
)
UNKNOWN_ROLE_BUDGET = min(OPERATION_COST_BUDGETS.values())
"""A viewer whose role has no line gets the smallest budget (deny by default, but allow
the cheapest reads)."""


def operation_cost_budget(role: str) -> int:
    """The highest static cost an operation of a viewer with `role` may have."""
    return OPERATION_COST_BUDGETS.get(role, UNKNOWN_ROLE_BUDGET)
