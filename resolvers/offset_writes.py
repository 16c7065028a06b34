"""Changing offset certifications and releasing passports, as the submitting state."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from strawberry import Info

from datasources.offsets import (
    CertificationChange,
    ConcurrentUpdate,
    OffsetCertificationRecord,
)
from policy.vocabulary import Outcome
from resolvers.context import Context
from resolvers.errors import BadUserInput
from resolvers.facts import certification_facts
from resolvers.ids import decode_int_id, encode_global_id
from resolvers.views import CertificationPayloadView, certification_view
from resolvers.writes import (
    InputProblem,
    InputRefused,
    audit_write,
    relay_written,
    target_id,
    written_event,
)

RESOURCE = "OffsetCertification"
CASE_TYPES = ("TANF", "NON_TANF")
RELEASABLE = {False: ("DENIED", "EMERGENCY_RELEASED"), True: ("DENIED",)}
CertificationChangeFn = Callable[[OffsetCertificationRecord], CertificationChange]


def _check_writer(
    info: Info[Context, None], current: OffsetCertificationRecord, id_field: tuple[str, ...]
) -> None:
    """Only a worker of the submitting state may change a certification."""
    context, viewer = info.context, info.context.viewer
    facts = certification_facts(current)
    # the mutation being resolved names its rule (policy.registry.WRITE_RULES)
    decision = context.gate.write(viewer, f"Mutation.{info.field_name}", facts)
    if decision.outcome is not Outcome.ALLOW:
        message = "only a worker of the submitting state may change this certification"
        raise InputRefused([InputProblem(id_field, message, decision.code or "FORBIDDEN")])


async def _apply(
    info: Info[Context, None],
    certification_id: str,
    id_field: tuple[str, ...],
    change: CertificationChangeFn,
) -> CertificationPayloadView:
    try:
        key = decode_int_id(certification_id, RESOURCE)
    except BadUserInput:
        return _refused(info, None, [InputProblem(id_field, "not an offset certification id")])
    target = encode_global_id(RESOURCE, key)
    try:
        event = written_event(info, resource=RESOURCE, record_id=target)
        record = await info.context.sources.offsets.update_certification(key, change, event=event)
    except InputRefused as refused:
        return _refused(info, target, refused.problems)
    except ConcurrentUpdate:
        problem = InputProblem(id_field, "changed by someone else meanwhile; try again")
        return _refused(info, target, [problem])
    if record is None:
        problem = InputProblem(id_field, "no such certification", "NOT_FOUND")
        return _refused(info, target, [problem])
    info.context.loaders.certification_by_id.clear(key)
    await relay_written(info)
    return CertificationPayloadView(offset_certification=certification_view(record), user_errors=[])


def _refused(
    info: Info[Context, None], record_id: str | None, problems: list[InputProblem]
) -> CertificationPayloadView:
    """Nothing changes; the event names the certification targeted, when the input named one."""
    audit_write(info, resource=RESOURCE, record_id=record_id, refused=True)
    return CertificationPayloadView(offset_certification=None, user_errors=problems)


async def update_certification(
    info: Info[Context, None],
    certification_id: str,
    arrears_amount: Decimal | None,
    case_type: str | None,
) -> CertificationPayloadView:
    problems = []
    if arrears_amount is not None and arrears_amount < 0:
        problems.append(InputProblem(("input", "arrearsAmount"), "arrears must be at least 0"))
    if case_type is not None and case_type not in CASE_TYPES:
        problems.append(InputProblem(("input", "caseType"), "case type must be TANF or NON_TANF"))
    if problems:
        return _refused(info, target_id(certification_id, RESOURCE), problems)

    def change(current: OffsetCertificationRecord) -> CertificationChange:
        _check_writer(info, current, ("input", "id"))
        # passport status never follows arrears down: a release is always explicit
        return CertificationChange(
            arrears_amount=current.arrears_amount if arrears_amount is None else arrears_amount,
            case_type=current.case_type if case_type is None else case_type,
            passport_status=current.passport_status,
        )

    return await _apply(info, certification_id, ("input", "id"), change)


async def release_passport(
    info: Info[Context, None], certification_id: str, *, emergency: bool
) -> CertificationPayloadView:
    def change(current: OffsetCertificationRecord) -> CertificationChange:
        _check_writer(info, current, ("id",))
        if current.passport_status not in RELEASABLE[emergency]:
            message = f"a passport that is {current.passport_status} cannot be released so"
            raise InputRefused([InputProblem(("id",), message)])
        return CertificationChange(
            arrears_amount=current.arrears_amount,
            case_type=current.case_type,
            passport_status="EMERGENCY_RELEASED" if emergency else "RELEASED",
        )

    return await _apply(info, certification_id, ("id",), change)
