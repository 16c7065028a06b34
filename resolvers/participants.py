"""Reading participants and what hangs off them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from strawberry import Info

from datasources.addresses import AddressRecord
from datasources.audit import AuditAction, AuditOutcome
from datasources.fcr import (
    CaseRoleRecord,
    MisidentifiedSsnRecord,
    ParticipantFilter,
    ParticipantRecord,
)
from datasources.ndnh import NewHireRecord, QuarterlyWageRecord
from datasources.offsets import OffsetCertificationRecord
from datasources.pages import Page
from policy.gate import Scope, Trail
from policy.registry import FILTER_READS
from policy.vocabulary import Resource
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.ids import decode_int_id, encode_global_id
from resolvers.paging import empty_page, fetch_page, page_request

LIST_NAME = "Participant"
FILTERS = "Query.participants"


async def resolve_participant(info: Info[Context, None], id: str) -> ParticipantRecord | None:
    return await info.context.loaders.participant_by_id.load(decode_int_id(id, "Participant"))


async def resolve_participants(
    info: Info[Context, None],
    *,
    where: ParticipantFilter,
    first: int | None,
    after: str | None,
) -> Page[ParticipantRecord]:
    """One page of matches, reaching only as far as the filters on protected values may.

    The narrowing goes into the query, so `totalCount` counts what the list may hold and
    is no oracle for a withheld value.
    """
    page = page_request(first, after, LIST_NAME)
    filtered = _filtered_arguments(where)
    scoped = _scoped(info, where, filtered)
    if _is_search(where):
        _audit_search(info, "read", "allowed")
    if scoped is None:
        return empty_page()
    found = await fetch_page(info.context.sources.fcr.list_participants(scoped, page))
    _audit_matches(info, [FILTER_READS[FILTERS][name] for name in filtered], found.items)
    return found


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
    """`where`, narrowed to the viewer's own participants where a filter needs it."""
    context, viewer = info.context, info.context.viewer
    trail = Trail(context.audit, _operation(info), Resource.PARTICIPANT_SEARCH)
    if context.gate.filter_scope(viewer, FILTERS, filtered, trail) is Scope.ALL:
        return where
    if viewer.jurisdiction is None:
        return None
    return replace(where, held_by=viewer.jurisdiction)


def _operation(info: Info[Context, None]) -> str | None:
    return info.operation.name.value if info.operation and info.operation.name else None


def _audit_search(info: Info[Context, None], action: AuditAction, outcome: AuditOutcome) -> None:
    info.context.audit.record(
        operation=_operation(info),
        action=action,
        resource=Resource.PARTICIPANT_SEARCH,
        record_id=None,
        outcome=outcome,
    )


def _audit_matches(
    info: Info[Context, None], filtered: list[Resource], matches: Sequence[ParticipantRecord]
) -> None:
    """A match listed confirms the value searched for: a read of it, of that record."""
    for resource in filtered:
        for match in matches:
            info.context.audit.record(
                operation=_operation(info),
                action="read",
                resource=resource,
                record_id=encode_global_id(LIST_NAME, match.id),
                outcome="allowed",
            )


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


async def resolve_roles(info: Info[Context, None], participant_id: int) -> list[CaseRoleRecord]:
    return await info.context.loaders.roles_by_participant_id.load(participant_id)


async def resolve_addresses(info: Info[Context, None], participant_id: int) -> list[AddressRecord]:
    return await info.context.loaders.addresses_by_participant_id.load(participant_id)


async def resolve_employment(info: Info[Context, None], ssn: str) -> list[NewHireRecord]:
    return await info.context.loaders.new_hires_by_ssn.load(ssn)


async def resolve_wages(info: Info[Context, None], ssn: str) -> list[QuarterlyWageRecord]:
    return await info.context.loaders.wages_by_ssn.load(ssn)


async def resolve_certifications(
    info: Info[Context, None], ssn: str
) -> list[OffsetCertificationRecord]:
    return await info.context.loaders.certifications_by_ssn.load(ssn)


async def resolve_misidentified_ssns(
    info: Info[Context, None], participant_id: int
) -> list[MisidentifiedSsnRecord]:
    return await info.context.loaders.misidentified_ssns_by_participant_id.load(participant_id)


def build_filter(
    ssn: str | None, last_name: str | None, first_name: str | None, date_of_birth: date | None
) -> ParticipantFilter:
    return ParticipantFilter(
        ssn=ssn, last_name=last_name, first_name=first_name, date_of_birth=date_of_birth
    )
