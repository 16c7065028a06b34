"""Reading participants and what hangs off them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from strawberry import Info

from datasources.fcr import ParticipantFilter, ParticipantRecord
from policy.gate import Scope, Trail
from policy.rate_limits import is_identifying_search
from policy.registry import FILTER_READS
from policy.vocabulary import Resource
from resolvers.cases import load_case
from resolvers.context import Context
from resolvers.directory import resolve_jurisdiction
from resolvers.errors import HubError, NotFound, one_of
from resolvers.facts import address_facts, load_participant_facts
from resolvers.ids import decode_int_id, encode_global_id
from resolvers.paging import (
    ConnectionView,
    asks_total,
    connection_of,
    empty_page,
    fetch_page,
    page_request,
)
from resolvers.views import (
    AddressView,
    CaseParticipantView,
    CaseView,
    CertificationView,
    DirectoryEntryView,
    MisidentifiedSsnView,
    NewHireView,
    ParticipantView,
    QuarterlyWageView,
    address_view,
    case_participant_view,
    certification_view,
    misidentified_view,
    new_hire_view,
    participant_view,
    quarterly_wage_view,
)

LIST_NAME = "Participant"
FILTERS = "Query.participants"


async def build_participants(
    info: Info[Context, None], records: Sequence[ParticipantRecord]
) -> list[ParticipantView]:
    """Participants with the facts policy needs (which jurisdictions hold their cases)."""
    facts = await load_participant_facts(info, records)
    return [participant_view(r, f) for r, f in zip(records, facts, strict=True)]


async def build_participant(
    info: Info[Context, None], record: ParticipantRecord
) -> ParticipantView:
    return (await build_participants(info, [record]))[0]


async def resolve_participant(info: Info[Context, None], id: str) -> ParticipantView | None:
    found = await info.context.loaders.participant_by_id.load(decode_int_id(id, "Participant"))
    return await build_participant(info, found) if found else None


async def resolve_participants(
    info: Info[Context, None],
    *,
    where: ParticipantFilter,
    first: int | None,
    after: str | None,
) -> ConnectionView[ParticipantView]:
    """One page of matches, reaching only as far as the filters on protected values may.

    The narrowing goes into the query, so `totalCount` counts what the list may hold and
    is no oracle for a withheld value.
    """
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    filtered = _filtered_arguments(where)
    scoped = _scoped(info, where, filtered)
    if is_identifying_search(FILTERS, vars(where)):
        context = info.context
        await context.gate.admit_search(context.viewer, _operation(info), context.audit)
    if scoped is None:
        return connection_of(empty_page(), LIST_NAME, [])
    found = await fetch_page(info.context.sources.fcr.list_participants(scoped, page))
    # a match listed confirms the value searched for: a read of it, of that record
    matches = [encode_global_id(LIST_NAME, match.id) for match in found.items]
    info.context.gate.filter_matches(
        info.context.audit, _operation(info), FILTERS, filtered, matches
    )
    return connection_of(found, LIST_NAME, await build_participants(info, list(found.items)))


def _is_search(where: ParticipantFilter) -> bool:
    """Any filter on who a participant is (SSN, name, date of birth) makes a search."""
    return any(
        value is not None
        for value in (where.ssn, where.last_name, where.first_name, where.date_of_birth)
    )


def _filtered_arguments(where: ParticipantFilter) -> list[str]:
    """The filters of `where` on protected values (FILTER_READS)."""
    return [name for name in FILTER_READS[FILTERS] if getattr(where, name) is not None]


def _scoped(
    info: Info[Context, None], where: ParticipantFilter, filtered: list[str]
) -> ParticipantFilter | None:
    """`where`, narrowed to the viewer's own participants where a filter needs it.

    The gate records a search that may run as a read of `Participant.search`, and a
    refused one as its denial.
    """
    context, viewer = info.context, info.context.viewer
    trail = Trail(context.audit, _operation(info), Resource.PARTICIPANT_SEARCH)
    scope = context.gate.filter_scope(viewer, FILTERS, filtered, trail, search=_is_search(where))
    if scope is Scope.ALL:
        return where
    if viewer.jurisdiction is None:
        return None
    return replace(where, held_by=viewer.jurisdiction)


def _operation(info: Info[Context, None]) -> str | None:
    return info.operation.name.value if info.operation and info.operation.name else None


async def load_participant(info: Info[Context, None], participant_id: int) -> ParticipantRecord:
    found = await info.context.loaders.participant_by_id.load(participant_id)
    if found is None:
        raise NotFound("participant not found")
    return found


async def load_participant_by_ssn(info: Info[Context, None], ssn: str) -> ParticipantRecord:
    found = await info.context.loaders.participant_by_ssn.load(ssn)
    if found is None:
        raise NotFound("participant not found")
    return found


async def participants_of(
    roots: Sequence[CaseParticipantView | MisidentifiedSsnView], info: Info[Context, None]
) -> list[ParticipantView | HubError]:
    """The participants many case roles or reports are about (a compiled plan's level)."""
    loader = info.context.loaders.participant_by_id
    found = await loader.load_many([root.participant_id for root in roots])
    built = iter(await build_participants(info, [record for record in found if record]))
    return [next(built) if record else NotFound("participant not found") for record in found]


async def participant_of(
    root: CaseParticipantView | MisidentifiedSsnView, info: Info[Context, None]
) -> ParticipantView:
    """The participant a case role or a misidentified-SSN report is about."""
    return one_of(await participants_of([root], info))


async def case_of(root: CaseParticipantView, info: Info[Context, None]) -> CaseView:
    return await load_case(info, root.case_id)


def reported_by(root: MisidentifiedSsnView, info: Info[Context, None]) -> DirectoryEntryView:
    return resolve_jurisdiction(info, root.reported_by_code)


async def cases_of(
    roots: Sequence[ParticipantView], info: Info[Context, None]
) -> list[list[CaseParticipantView]]:
    """`Participant.cases` of many participants at once (a compiled plan's level)."""
    loader = info.context.loaders.roles_by_participant_id
    found = await loader.load_many([root.participant_id for root in roots])
    return [[case_participant_view(role) for role in roles] for roles in found]


async def participant_cases(
    root: ParticipantView, info: Info[Context, None]
) -> list[CaseParticipantView]:
    return (await cases_of([root], info))[0]


async def participant_addresses(
    root: ParticipantView, info: Info[Context, None]
) -> list[AddressView]:
    """Locate information; each address decided on its own facts (IRS addresses are FTI)."""
    found = await info.context.loaders.addresses_by_participant_id.load(root.participant_id)
    return [address_view(record, address_facts(record, root.facts)) for record in found]


async def employment_of(
    roots: Sequence[ParticipantView], info: Info[Context, None]
) -> list[list[NewHireView]]:
    """`Participant.employment` of many participants at once (a compiled plan's level)."""
    found = await info.context.loaders.new_hires_by_ssn.load_many([root.ssn for root in roots])
    return [[new_hire_view(record) for record in records] for records in found]


async def participant_employment(
    root: ParticipantView, info: Info[Context, None]
) -> list[NewHireView]:
    return (await employment_of([root], info))[0]


async def participant_wages(
    root: ParticipantView, info: Info[Context, None]
) -> list[QuarterlyWageView]:
    found = await info.context.loaders.wages_by_ssn.load(root.ssn)
    return [quarterly_wage_view(record) for record in found]


async def certifications_of(
    roots: Sequence[ParticipantView], info: Info[Context, None]
) -> list[list[CertificationView]]:
    """`Participant.offsetCertifications` of many participants (a compiled plan's level)."""
    loader = info.context.loaders.certifications_by_ssn
    found = await loader.load_many([root.ssn for root in roots])
    return [[certification_view(record) for record in records] for records in found]


async def participant_certifications(
    root: ParticipantView, info: Info[Context, None]
) -> list[CertificationView]:
    return (await certifications_of([root], info))[0]


async def participant_misidentified_ssns(
    root: ParticipantView, info: Info[Context, None]
) -> list[MisidentifiedSsnView]:
    """Each report decided as the participant's SSN, audited as the report."""
    found = await info.context.loaders.misidentified_ssns_by_participant_id.load(
        root.participant_id
    )
    return [misidentified_view(record, root.facts) for record in found]


def build_filter(
    ssn: str | None, last_name: str | None, first_name: str | None, date_of_birth: date | None
) -> ParticipantFilter:
    return ParticipantFilter(
        ssn=ssn, last_name=last_name, first_name=first_name, date_of_birth=date_of_birth
    )
