"""Reading participants and what hangs off them."""

from __future__ import annotations

from datetime import date

from strawberry import Info

from datasources.addresses import AddressRecord
from datasources.fcr import (
    CaseRoleRecord,
    MisidentifiedSsnRecord,
    ParticipantFilter,
    ParticipantRecord,
)
from datasources.ndnh import NewHireRecord, QuarterlyWageRecord
from datasources.offsets import OffsetCertificationRecord
from datasources.pages import Page
from resolvers.context import Context
from resolvers.errors import NotFound
from resolvers.ids import decode_int_id
from resolvers.paging import fetch_page, page_request

LIST_NAME = "Participant"


async def resolve_participant(info: Info[Context, None], id: str) -> ParticipantRecord | None:
    return await info.context.loaders.participant_by_id.load(decode_int_id(id, "Participant"))


async def resolve_participants(
    info: Info[Context, None],
    *,
    where: ParticipantFilter,
    first: int | None,
    after: str | None,
) -> Page[ParticipantRecord]:
    page = page_request(first, after, LIST_NAME)
    return await fetch_page(info.context.sources.fcr.list_participants(where, page))


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
