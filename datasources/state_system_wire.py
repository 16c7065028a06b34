"""The JSON a state's case system speaks for QUICK: encoded by the simulator, checked by the hub.

Request, `POST {base}/states/{code}/cases/query`: `{"caseIds": ["CS06...", ...]}`.
Answer, 200: `{"jurisdiction": "06", "cases": [case, ...]}`, one entry per known case id
(unknown ids are left out), where a case is::

    {"caseId": str,
     "worker": null | {"name": str, "title": str?, "phone": str?, "email": str?,
                       "address": null | {"line1", "line2"?, "city", "state", "zip"}},
     "financials": null | {"monthlyObligation": money, "arrears": money,
                           "asOf": ISO datetime with offset,
                           "paymentsReceived": [payment], "paymentsDistributed": [payment]},
     "activities": [{"date": "YYYY-MM-DD", "code": str, "description": str}]}

Money is a decimal string (`"412.00"`), never a JSON number; a payment is
`{"date": "YYYY-MM-DD", "amount": money, "source": str}`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from datasources.addresses import AddressRecord, ContactRecord
from datasources.state_systems import (
    ActivityRecord,
    CaseRef,
    CaseViewRecord,
    FinancialsRecord,
    PaymentRecord,
)

_MONEY = re.compile(r"-?\d{1,12}(\.\d{1,2})?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_TEXT = 500


class MalformedAnswer(ValueError):
    """The answer does not follow the wire format (the message names the rule, never data)."""


# ---------------------------------------------------------------- encode (the simulator)


def encode_answer(jurisdiction: str, views: list[CaseViewRecord]) -> dict[str, Any]:
    return {"jurisdiction": jurisdiction, "cases": [_encode_view(view) for view in views]}


def _encode_view(view: CaseViewRecord) -> dict[str, Any]:
    return {
        "caseId": view.ref.state_case_id,
        "worker": None if view.worker is None else _encode_contact(view.worker),
        "financials": None if view.financials is None else _encode_financials(view.financials),
        "activities": [
            {"date": a.date.isoformat(), "code": a.code, "description": a.description}
            for a in view.activities
        ],
    }


def _encode_contact(worker: ContactRecord) -> dict[str, Any]:
    address = worker.address
    return {
        "name": worker.name,
        "title": worker.title,
        "phone": worker.phone,
        "email": worker.email,
        "address": None
        if address is None
        else {
            "line1": address.line1,
            "line2": address.line2,
            "city": address.city,
            "state": address.state,
            "zip": address.zip,
        },
    }


def _encode_financials(money: FinancialsRecord) -> dict[str, Any]:
    return {
        "monthlyObligation": str(money.monthly_obligation),
        "arrears": str(money.arrears),
        "asOf": money.as_of.isoformat(),
        "paymentsReceived": [_encode_payment(p) for p in money.payments_received],
        "paymentsDistributed": [_encode_payment(p) for p in money.payments_distributed],
    }


def _encode_payment(payment: PaymentRecord) -> dict[str, str]:
    return {
        "date": payment.date.isoformat(),
        "amount": str(payment.amount),
        "source": payment.source,
    }


# ---------------------------------------------------------------- decode (the hub)


def decode_answer(
    jurisdiction: str, answer: object, asked: Collection[str]
) -> dict[str, CaseViewRecord]:
    """The cases of a parsed JSON answer by state case id.

    Raises:
        MalformedAnswer: on any deviation from the wire format, an answer naming another
            jurisdiction, a case that was not asked for, or a case given twice.
    """
    body = _object(answer)
    if body.get("jurisdiction") != jurisdiction:
        raise MalformedAnswer("answer names another jurisdiction")
    found: dict[str, CaseViewRecord] = {}
    for entry in _list(body, "cases"):
        view = _view(jurisdiction, entry)
        case_id = view.ref.state_case_id
        if case_id not in asked or case_id in found:
            raise MalformedAnswer("a case that was not asked for, or twice")
        found[case_id] = view
    return found


def _view(jurisdiction: str, value: object) -> CaseViewRecord:
    case = _object(value)
    activities = sorted((_activity(a) for a in _list(case, "activities")), key=lambda a: a.date)
    return CaseViewRecord(
        ref=CaseRef(jurisdiction, _text(case, "caseId")),
        worker=_worker(case.get("worker")),
        financials=_financials(case.get("financials")),
        activities=tuple(activities),
    )


def _worker(value: object) -> ContactRecord | None:
    if value is None:
        return None
    worker = _object(value)
    return ContactRecord(
        name=_text(worker, "name"),
        title=_optional_text(worker, "title"),
        phone=_optional_text(worker, "phone"),
        email=_optional_text(worker, "email"),
        address=_address(worker.get("address")),
    )


def _address(value: object) -> AddressRecord | None:
    if value is None:
        return None
    address = _object(value)
    return AddressRecord(
        line1=_text(address, "line1"),
        line2=_optional_text(address, "line2"),
        city=_text(address, "city"),
        state=_text(address, "state"),
        zip=_text(address, "zip"),
    )


def _financials(value: object) -> FinancialsRecord | None:
    if value is None:
        return None
    money = _object(value)
    as_of = _text(money, "asOf")
    try:
        instant = datetime.fromisoformat(as_of)
    except ValueError:
        raise MalformedAnswer("asOf is not an ISO datetime") from None
    if instant.tzinfo is None:
        raise MalformedAnswer("asOf has no UTC offset")
    return FinancialsRecord(
        monthly_obligation=_money(money, "monthlyObligation"),
        arrears=_money(money, "arrears"),
        as_of=instant,
        payments_received=_payments(money, "paymentsReceived"),
        payments_distributed=_payments(money, "paymentsDistributed"),
    )


def _payments(money: Mapping[str, object], key: str) -> tuple[PaymentRecord, ...]:
    payments = (_payment(_object(p)) for p in _list(money, key))
    return tuple(sorted(payments, key=lambda p: p.date))


def _payment(payment: Mapping[str, object]) -> PaymentRecord:
    return PaymentRecord(
        date=_day(payment, "date"),
        amount=_money(payment, "amount"),
        source=_text(payment, "source"),
    )


def _activity(value: object) -> ActivityRecord:
    activity = _object(value)
    return ActivityRecord(
        date=_day(activity, "date"),
        code=_text(activity, "code"),
        description=_text(activity, "description"),
    )


def _object(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise MalformedAnswer("expected an object")
    return value


def _list(parent: Mapping[str, object], key: str) -> list[object]:
    value = parent.get(key)
    if not isinstance(value, list):
        raise MalformedAnswer(f"{key} is not a list")
    return value


def _text(parent: Mapping[str, object], key: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise MalformedAnswer(f"{key} is not a non-empty string")
    return value


def _optional_text(parent: Mapping[str, object], key: str) -> str | None:
    return None if parent.get(key) is None else _text(parent, key)


def _money(parent: Mapping[str, object], key: str) -> Decimal:
    value = parent.get(key)
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise MalformedAnswer(f"{key} is not a decimal string")
    return Decimal(value)


def _day(parent: Mapping[str, object], key: str) -> date:
    value = parent.get(key)
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise MalformedAnswer(f"{key} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MalformedAnswer(f"{key} is not a calendar date") from None
