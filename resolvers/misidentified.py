"""Reporting and withdrawing misidentified SSNs (FCR Misidentified Participant list)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from strawberry import Info

from datasources.audit import AuditEventDraft
from datasources.fcr import MisidentifiedSsnRecord, ParticipantRecord
from policy.vocabulary import Outcome
from resolvers.context import Context
from resolvers.errors import BadUserInput
from resolvers.facts import participant_facts, report_record_id
from resolvers.ids import decode_int_id
from resolvers.participants import build_participant
from resolvers.views import MisidentifiedSsnPayloadView, misidentified_view
from resolvers.writes import (
    InputProblem,
    audit_write,
    relay_written,
    target_id,
    written_event,
)

SSN_FORMAT = re.compile(r"^\d{3}-\d{2}-\d{4}$")
RESOURCE = "MisidentifiedSsn"


Payload = MisidentifiedSsnPayloadView


def _refused(
    info: Info[Context, None], participant_id: str, problems: list[InputProblem]
) -> Payload:
    """Nothing changes; the event names the participant the input targeted, if it named one."""
    record_id = target_id(participant_id, "Participant")
    audit_write(info, resource=RESOURCE, record_id=record_id, refused=True)
    return Payload(misidentified_ssn=None, user_errors=problems)


async def _written(
    info: Info[Context, None], record: MisidentifiedSsnRecord, participant: ParticipantRecord
) -> Payload:
    # a later write of the same request must see this one
    info.context.loaders.misidentified_ssns_by_participant_id.clear(record.participant_id)
    await relay_written(info)
    owner = await build_participant(info, participant)
    return Payload(misidentified_ssn=misidentified_view(record, owner.facts), user_errors=[])


def _event(info: Info[Context, None], report: MisidentifiedSsnRecord) -> AuditEventDraft:
    return written_event(info, resource=RESOURCE, record_id=report_record_id(report))


def _check_input(participant_id: str, ssn: str) -> tuple[int | None, list[InputProblem]]:
    problems = []
    key = None
    try:
        key = decode_int_id(participant_id, "Participant")
    except BadUserInput:
        problems.append(InputProblem(("input", "participantId"), "not a participant id"))
    if not SSN_FORMAT.match(ssn):
        problems.append(InputProblem(("input", "ssn"), "SSN must be well-formed NNN-NN-NNNN"))
    return key, problems


async def _own_participant(
    info: Info[Context, None], key: int
) -> tuple[ParticipantRecord | None, list[InputProblem]]:
    context = info.context
    participant = await context.loaders.participant_by_id.load(key)
    if participant is None:
        return None, [InputProblem(("input", "participantId"), "no such participant", "NOT_FOUND")]
    jurisdictions = await context.loaders.jurisdictions_by_participant_id.load(key)
    facts = participant_facts(participant, jurisdictions)
    # the mutation being resolved names its rule (policy.registry.WRITE_RULES)
    decision = context.gate.write(context.viewer, f"Mutation.{info.field_name}", facts)
    if decision.outcome is not Outcome.ALLOW:
        problem = InputProblem(
            ("input", "participantId"),
            "only a caseworker of a jurisdiction holding the participant's case may do this",
            decision.code or "FORBIDDEN",
        )
        return None, [problem]
    return participant, []


async def add_misidentified_ssn(
    info: Info[Context, None], participant_id: str, ssn: str
) -> Payload:
    key, problems = _check_input(participant_id, ssn)
    if key is None or problems:
        return _refused(info, participant_id, problems)
    participant, problems = await _own_participant(info, key)
    if participant is None:
        return _refused(info, participant_id, problems)
    record = await info.context.sources.fcr.add_misidentified_ssn(
        participant_id=key,
        ssn=ssn,
        reported_by=info.context.viewer.jurisdiction or "",
        reported_on=datetime.now(UTC).date(),
        event=lambda report: _event(info, report),
    )
    if record is None:
        duplicate = InputProblem(
            ("input", "ssn"), "this SSN is already reported for the participant"
        )
        return _refused(info, participant_id, [duplicate])
    return await _written(info, record, participant)


async def remove_misidentified_ssn(
    info: Info[Context, None], participant_id: str, ssn: str
) -> Payload:
    key, problems = _check_input(participant_id, ssn)
    if key is None or problems:
        return _refused(info, participant_id, problems)
    participant, problems = await _own_participant(info, key)
    if participant is None:
        return _refused(info, participant_id, problems)
    reports = await info.context.loaders.misidentified_ssns_by_participant_id.load(key)
    entry = next((r for r in reports if r.ssn == ssn), None)
    if entry is None:
        problem = InputProblem(("input", "ssn"), "no such report", "NOT_FOUND")
        return _refused(info, participant_id, [problem])
    if entry.reported_by != info.context.viewer.jurisdiction:
        problem = InputProblem(
            ("input", "ssn"), "only the jurisdiction that reported it may withdraw it", "FORBIDDEN"
        )
        return _refused(info, participant_id, [problem])
    if not await info.context.sources.fcr.remove_misidentified_ssn(
        entry.id, event=_event(info, entry)
    ):
        problem = InputProblem(("input", "ssn"), "no such report", "NOT_FOUND")
        return _refused(info, participant_id, [problem])
    return await _written(info, entry, participant)
