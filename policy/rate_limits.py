"""Rate limits: how many requests, and how many searches by identifying data, a subject may make.

Two budgets, each a GCRA allowance per role (`datasources.rate_limiter`), counted per
subject:

* `requests`: one unit per GraphQL request over HTTP and per WebSocket `subscribe`;
* `searches`: one unit per use of an argument that looks a person up by identifying
  data (`IDENTIFYING_SEARCHES`), counted where the search runs, so that every alias and
  every repeated fragment of one document is one search more.

Every refusal is decided, audited and raised here (`RateLimited`, code RATE_LIMITED,
`extensions.retryAfter` in whole seconds), and reported to `on_refusal` (metrics).
When the shared store (Redis) cannot be reached, `requests` fails open: it guards the
hub's capacity, and the cost limits of `policy.budgets` still bound each request;
`searches` falls back to counting in this process: it guards people's data, so it
never stops counting, and with N processes an attacker gets at most N times the budget
(see the README, "Rate limits").
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from datasources.memory_rate_limits import InProcessRateLimiter
from datasources.rate_limiter import (
    ANY_ROLE,
    Allowance,
    RateLimiter,
    RateLimiterUnavailable,
    Spent,
)
from policy.refusals import HubError

if TYPE_CHECKING:
    from policy.audit import AuditLog
    from policy.tokens import Viewer

logger = logging.getLogger("hub.rate_limits")

REQUESTS = "requests"
SEARCHES = "searches"

IDENTIFYING_SEARCHES = MappingProxyType(
    {
        "Query.participants": ("ssn", "date_of_birth"),
        "Mutation.reportTermination": ("employee_ssn",),
    }
)
"""Every argument that finds a person by identifying data (its answer confirms a match)."""

RATE_LIMITED_MESSAGE = "rate limit exceeded; retry after the number of seconds given"


class RateLimited(HubError):
    """A budget is spent: retry after `retry_after` seconds (also in `extensions`)."""

    code = "RATE_LIMITED"

    def __init__(self, budget: str, retry_after: int) -> None:
        self.budget = budget
        self.retry_after = retry_after
        super().__init__(RATE_LIMITED_MESSAGE, retryAfter=retry_after, budget=budget)


def _no_metrics(budget: str) -> None:
    """The default refusal hook: nothing (telemetry replaces it)."""


@dataclass
class RateLimits:
    """The two budgets, counted by `limiter` (shared) with `local` when it is unreachable."""

    limiter: RateLimiter
    requests: Mapping[str, Allowance]
    """Per role (`*`: any other), as `HUB_RATE_LIMITS` gives them."""
    searches: Mapping[str, Allowance]
    """Per role (`*`: any other), as `HUB_SEARCH_LIMITS` gives them."""
    local: RateLimiter = field(default_factory=InProcessRateLimiter)
    on_refusal: Callable[[str], None] = _no_metrics
    """Called with the budget's name on every refusal (the `rate_limit_refusals` counter)."""
    _unreachable: bool = False

    async def admit_request(self, viewer: Viewer, operation: str | None, audit: AuditLog) -> None:
        """Spend one request of the viewer's budget.

        Raises:
            RateLimited: the budget is spent (the refusal is in `audit`).
        """
        await self._admit(REQUESTS, self.requests, viewer, operation, audit)

    async def admit_search(self, viewer: Viewer, operation: str | None, audit: AuditLog) -> None:
        """Spend one search by identifying data of the viewer's budget.

        Raises:
            RateLimited: the budget is spent (the refusal is in `audit`).
        """
        await self._admit(SEARCHES, self.searches, viewer, operation, audit)

    async def _admit(
        self,
        budget: str,
        table: Mapping[str, Allowance],
        viewer: Viewer,
        operation: str | None,
        audit: AuditLog,
    ) -> None:
        allowance = table.get(viewer.role) or table[ANY_ROLE]
        spent = await self._spend(budget, f"{budget}:{viewer.subject}", allowance)
        if spent.allowed:
            return
        audit.record(
            operation=operation,
            action="deny",
            resource=f"RateLimit.{budget}",
            record_id=None,
            outcome="denied",
        )
        self.on_refusal(budget)
        raise RateLimited(budget, max(1, math.ceil(spent.retry_after)))

    async def _spend(self, budget: str, key: str, allowance: Allowance) -> Spent:
        try:
            spent = await self.limiter.spend(key, allowance)
        except RateLimiterUnavailable as error:
            self._note_unreachable(error)
            if budget == REQUESTS:
                return Spent(allowed=True)  # fail open: capacity, not people's data
            return await self.local.spend(key, allowance)
        if self._unreachable:
            self._unreachable = False
            logger.warning("rate limit store reachable again")
        return spent

    async def close(self) -> None:
        await self.limiter.close()
        await self.local.close()

    def _note_unreachable(self, error: RateLimiterUnavailable) -> None:
        if not self._unreachable:  # once per outage, not once per request
            self._unreachable = True
            logger.warning(
                "rate limit store unreachable (%s): requests admitted, searches counted "
                "in this process",
                error,
            )


def is_identifying_search(coordinate: str, arguments: Mapping[str, object]) -> bool:
    """Whether this use of `coordinate` searches by identifying data."""
    names = IDENTIFYING_SEARCHES.get(coordinate, ())
    return any(arguments.get(name) is not None for name in names)
