"""QUICK types: the holding state's worker, financial summary and case activities."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from resolvers import quick
from schema.resolved import resolved_by
from schema.scalars import Money


@strawberry.type
class Payment:
    date: date
    amount: Money
    source: str = strawberry.field(description='e.g. "INCOME_WITHHOLDING", "TAX_REFUND_OFFSET".')


@strawberry.type(description="QUICK: the holding state's financial summary of the case.")
class CaseFinancials:
    monthly_obligation: Money
    arrears: Money
    as_of: datetime
    payments_received: list[Payment] = resolved_by(
        quick.payments_received,
        description="The newest `last` payments received, oldest first.",
    )
    payments_distributed: list[Payment] = resolved_by(
        quick.payments_distributed,
        description="The newest `last` payments distributed, oldest first.",
    )


@strawberry.type
class CaseActivity:
    date: date
    code: str
    description: str
