"""eTermination: employers report terminations; caseworkers read the notices meant for them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from strawberry import Info

from datasources.addresses import AddressRecord
from datasources.ndnh import EmployerRecord
from datasources.notices import NoticeDraft, NoticeFilter, TerminationNoticeRecord
from datasources.pages import PageRequest
from policy.gate import Scope
from policy.vocabulary import Outcome, Relation
from resolvers.context import Context
from resolvers.directory import resolve_jurisdiction
from resolvers.facts import load_notice_facts
from resolvers.ids import encode_global_id
from resolvers.paging import (
    ConnectionView,
    asks_total,
    connection_of,
    empty_page,
    fetch_page,
    page_request,
)
from resolvers.participants import build_participant, load_participant
from resolvers.views import (
    DirectoryEntryView,
    NoticeView,
    ParticipantView,
    ReportTerminationPayloadView,
    notice_view,
)
from resolvers.writes import InputProblem, audit_write, relay_written, written_event

LIST_NAME = "TerminationNotice"
SSN_FORMAT = re.compile(r"^\d{3}-\d{2}-\d{4}$")
ZIP_FORMAT = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True)
class ReportedAddress:
    """The employee's last known address as the employer typed it."""

    line1: str
    line2: str | None
    city: str
    state: str
    zip: str


@dataclass(frozen=True)
class TerminationReport:
    employee_ssn: str
    employee_first_name: str
    employee_last_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: ReportedAddress | None
    new_employer_name: str | None


async def build_notices(
    info: Info[Context, None], records: Sequence[TerminationNoticeRecord], *, fresh: bool = False
) -> list[NoticeView]:
    """Notices with their matched participants' current facts (for the locate fields)."""
    facts = await load_notice_facts(info, records, fresh=fresh)
    return [notice_view(r, f) for r, f in zip(records, facts, strict=True)]


async def build_notice(info: Info[Context, None], record: TerminationNoticeRecord) -> NoticeView:
    return (await build_notices(info, [record]))[0]


async def build_notice_fresh(
    info: Info[Context, None], record: TerminationNoticeRecord
) -> NoticeView:
    """A notice for a subscriber: the participant's facts read anew for each event."""
    return (await build_notices(info, [record], fresh=True))[0]


async def notice_participant(root: NoticeView, info: Info[Context, None]) -> ParticipantView | None:
    """`TerminationNotice.participant`: the matched participant; None when none matched."""
    if root.participant_id is None:
        return None
    return await build_participant(info, await load_participant(info, root.participant_id))


def notice_states(root: NoticeView, info: Info[Context, None]) -> list[DirectoryEntryView]:
    """`TerminationNotice.states`: the jurisdictions notified."""
    return [resolve_jurisdiction(info, code) for code in root.state_codes]


async def load_notice(info: Info[Context, None], notice_id: int) -> TerminationNoticeRecord | None:
    """One notice by its key, for `node(id:)`; the guards decide who sees it."""
    return (await info.context.sources.notices.get_many([notice_id]))[0]


def _scope(context: Context) -> NoticeFilter | None:
    """The viewer's rows, pushed down to the query; None when no row is theirs."""
    viewer = context.viewer
    scope = context.gate.list_scope(viewer, "Query.terminationNotices")
    if scope.scope is Scope.ALL:
        return NoticeFilter()
    fein = viewer.fein if Relation.REPORTER in scope.relations else None
    jurisdiction = viewer.jurisdiction if Relation.NOTIFIED in scope.relations else None
    if fein is None and jurisdiction is None:
        return None
    return NoticeFilter(employer_fein=fein, jurisdiction=jurisdiction)


async def resolve_notices(
    info: Info[Context, None], *, since: datetime | None, first: int | None, after: str | None
) -> ConnectionView[NoticeView]:
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    scope = _scope(info.context)
    if scope is None:
        return connection_of(empty_page(), LIST_NAME, [])
    where = NoticeFilter(
        since=since, employer_fein=scope.employer_fein, jurisdiction=scope.jurisdiction
    )
    found = await fetch_page(info.context.sources.notices.list_notices(where, page))
    return connection_of(found, LIST_NAME, await build_notices(info, found.items))


def _check_report(report: TerminationReport, postal_codes: set[str]) -> list[InputProblem]:
    problems = []
    if not SSN_FORMAT.match(report.employee_ssn):
        problems.append(_bad("employeeSsn", "SSN must be well-formed NNN-NN-NNNN"))
    for field, name in (
        ("employeeFirstName", report.employee_first_name),
        ("employeeLastName", report.employee_last_name),
    ):
        if not name.strip() or len(name) > 40:
            problems.append(_bad(field, "a name of 1 to 40 characters"))
    problems += _check_dates(report)
    if report.last_known_address is not None:
        problems += _check_address(report.last_known_address, postal_codes)
    if report.new_employer_name is not None and len(report.new_employer_name) > 80:
        problems.append(_bad("newEmployerName", "at most 80 characters"))
    return problems


def _check_dates(report: TerminationReport) -> list[InputProblem]:
    if report.never_employed and report.terminated_on is not None:
        return [_bad("terminatedOn", "someone never employed has no termination date")]
    if not report.never_employed and report.terminated_on is None:
        return [_bad("terminatedOn", "give the termination date, or neverEmployed: true")]
    if report.terminated_on is not None and report.terminated_on > datetime.now(UTC).date():
        return [_bad("terminatedOn", "the termination date is in the future")]
    return []


def _check_address(address: ReportedAddress, postal_codes: set[str]) -> list[InputProblem]:
    problems = []
    if not address.line1.strip() or not address.city.strip():
        problems.append(_bad("lastKnownAddress", "line1 and city are required"))
    if address.state.upper() not in postal_codes:
        problems.append(_bad("lastKnownAddress", "state must be a postal abbreviation", "state"))
    if not ZIP_FORMAT.match(address.zip):
        problems.append(_bad("lastKnownAddress", "zip must be NNNNN or NNNNN-NNNN", "zip"))
    return problems


def _bad(field: str, message: str, sub: str | None = None) -> InputProblem:
    path = ("input", field, sub) if sub else ("input", field)
    return InputProblem(path, message)


def _refused(
    info: Info[Context, None], problems: list[InputProblem]
) -> ReportTerminationPayloadView:
    audit_write(info, resource=LIST_NAME, record_id=None, refused=True)
    return ReportTerminationPayloadView(notice=None, user_errors=problems)


async def _states_to_notify(
    info: Info[Context, None], report: TerminationReport
) -> tuple[int | None, tuple[str, ...]]:
    """The matched participant, and every jurisdiction with an open case where they are NCP."""
    loaders = info.context.loaders
    match = await loaders.participant_by_ssn.load(report.employee_ssn)
    if match is None or match.last_name.casefold() != report.employee_last_name.strip().casefold():
        return None, ()
    roles = await loaders.roles_by_participant_id.load(match.id)
    ncp_cases = [role.case_id for role in roles if role.role == "NONCUSTODIAL_PARENT"]
    cases = await loaders.case_by_id.load_many(ncp_cases)
    states = {case.jurisdiction for case in cases if case is not None and case.status == "OPEN"}
    return match.id, tuple(sorted(states))


async def _reporting_employer(
    info: Info[Context, None],
) -> tuple[EmployerRecord | None, list[InputProblem]]:
    """The employer reporting, by the token's FEIN, if policy lets this viewer report."""
    context, viewer = info.context, info.context.viewer
    # the mutation being resolved names its rule (policy.registry.WRITE_RULES)
    decision = context.gate.write(viewer, f"Mutation.{info.field_name}")
    if decision.outcome is not Outcome.ALLOW:
        message = "only employers report terminations"
        return None, [InputProblem(("input",), message, decision.code or "FORBIDDEN")]
    employer = await context.loaders.employer_by_fein.load(viewer.fein) if viewer.fein else None
    if employer is None:
        message = "the token's FEIN is not a registered employer"
        return None, [InputProblem(("input",), message, "FORBIDDEN")]
    return employer, []


def _draft(
    report: TerminationReport,
    employer: EmployerRecord,
    participant_id: int | None,
    states: tuple[str, ...],
) -> NoticeDraft:
    first, last = report.employee_first_name.strip(), report.employee_last_name.strip()
    address = report.last_known_address
    return NoticeDraft(
        employer_id=employer.id,
        employer_fein=employer.fein,
        participant_id=participant_id,
        employee_name=f"{first} {last}",
        terminated_on=report.terminated_on,
        never_employed=report.never_employed,
        last_known_address=AddressRecord(
            address.line1, address.line2, address.city, address.state.upper(), address.zip
        )
        if address
        else None,
        new_employer_name=report.new_employer_name,
        states=states,
    )


async def report_termination(
    info: Info[Context, None], report: TerminationReport
) -> ReportTerminationPayloadView:
    """Validate, match, and record the notice with its outbox entry; nothing on refusal."""
    context = info.context
    employer, problems = await _reporting_employer(info)
    if employer is None:
        return _refused(info, problems)
    problems = _check_report(report, await _postal_codes(context))
    if problems:
        return _refused(info, problems)
    # `states` confirms a match of the SSN: a search by identifying data (IDENTIFYING_SEARCHES)
    operation = info.operation.name.value if info.operation and info.operation.name else None
    await context.gate.admit_search(context.viewer, operation, context.audit)
    participant_id, states = await _states_to_notify(info, report)
    notice = await context.sources.notices.record(
        _draft(report, employer, participant_id, states),
        event=lambda notice: written_event(
            info, resource=LIST_NAME, record_id=encode_global_id(LIST_NAME, notice.id)
        ),
    )
    context.sources.outbox_wake.set()
    await relay_written(info)
    return ReportTerminationPayloadView(notice=await build_notice(info, notice), user_errors=[])


async def _postal_codes(context: Context) -> set[str]:
    """USPS abbreviations of the states and territories in the directory."""
    page = await context.sources.directory.list_entries(
        kind="STATE", name=None, page=PageRequest(first=100)
    )
    return {entry.postal for entry in page.items if entry.postal}
