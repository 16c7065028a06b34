"""QUICK types: the holding state's worker, financial summary and case activities."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from datasources.state_systems import (
    FTI_PAYMENT_SOURCES,
    ActivityRecord,
    FinancialsRecord,
    PaymentRecord,
)
from policy.relations import PaymentFacts
from schema.scalars import Money


@strawberry.type
class Payment:
    date: date
    amount: Money
    source: str = strawberry.field(description='e.g. "INCOME_WITHHOLDING", "TAX_REFUND_OFFSET".')
    facts: strawberry.Private[PaymentFacts]

    @classmethod
    def from_record(cls, record: PaymentRecord, case_id: str) -> Payment:
        fti = record.source in FTI_PAYMENT_SOURCES
        return cls(
            date=record.date,
            amount=Money(record.amount),
            source=record.source,
            facts=PaymentFacts(case_id, fti=fti),
        )


@strawberry.type(description="QUICK: the holding state's financial summary of the case.")
class CaseFinancials:
    monthly_obligation: Money
    arrears: Money
    as_of: datetime
    received: strawberry.Private[list[Payment]]
    distributed: strawberry.Private[list[Payment]]

    @strawberry.field(description="The newest `last` payments received, oldest first.")
    def payments_received(self, last: int | None = 12) -> list[Payment]:
        return self.received if last is None else self.received[-last:] if last > 0 else []

    @strawberry.field(description="The newest `last` payments distributed, oldest first.")
    def payments_distributed(self, last: int | None = 12) -> list[Payment]:
        return self.distributed if last is None else self.distributed[-last:] if last > 0 else []

    @classmethod
    def from_record(cls, record: FinancialsRecord, case_id: str) -> CaseFinancials:
        return cls(
            monthly_obligation=Money(record.monthly_obligation),
            arrears=Money(record.arrears),
            as_of=record.as_of,
            received=[Payment.from_record(p, case_id) for p in record.payments_received],
            distributed=[Payment.from_record(p, case_id) for p in record.payments_distributed],
        )


@strawberry.type
class CaseActivity:
    date: date
    code: str
    description: str

    @classmethod
    def from_record(cls, record: ActivityRecord) -> CaseActivity:
        return cls(date=record.date, code=record.code, description=record.description)
