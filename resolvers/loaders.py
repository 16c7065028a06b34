"""Per-request DataLoaders: one batch per source per query level.

Each loader wraps exactly one batch method of a source. They are built anew for
every request (`build_loaders`), so nothing is cached across requests or viewers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from aiodataloader import DataLoader

from datasources.addresses import AddressRecord, ContactRecord
from datasources.documents import DocumentRecord
from datasources.fcr import CaseRecord, CaseRoleRecord, MisidentifiedSsnRecord, ParticipantRecord
from datasources.ndnh import (
    EmployerAddressRecord,
    EmployerRecord,
    NewHireRecord,
    QuarterlyWageRecord,
)
from datasources.offsets import OffsetCertificationRecord, TaxRefundOffsetRecord
from datasources.sources import Sources
from datasources.state_systems import CaseRef, CaseViewRecord, Unavailable

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_BATCH = 500


class SourceLoader(DataLoader[K, V]):
    """A DataLoader over one batch method of a source, which answers aligned with the keys."""

    def __init__(self, batch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        super().__init__(max_batch_size=MAX_BATCH)
        self._batch = batch

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        return list(await self._batch(keys))


@dataclass(frozen=True)
class Loaders:
    participant_by_id: SourceLoader[int, ParticipantRecord | None]
    participant_by_ssn: SourceLoader[str, ParticipantRecord | None]
    case_by_id: SourceLoader[int, CaseRecord | None]
    roles_by_case_id: SourceLoader[int, list[CaseRoleRecord]]
    roles_by_participant_id: SourceLoader[int, list[CaseRoleRecord]]
    jurisdictions_by_participant_id: SourceLoader[int, frozenset[str]]
    addresses_by_participant_id: SourceLoader[int, list[AddressRecord]]
    misidentified_ssns_by_participant_id: SourceLoader[int, list[MisidentifiedSsnRecord]]
    employer_by_id: SourceLoader[int, EmployerRecord | None]
    employer_by_fein: SourceLoader[str, EmployerRecord | None]
    employer_addresses_by_employer_id: SourceLoader[int, list[EmployerAddressRecord]]
    employer_contacts_by_employer_id: SourceLoader[int, list[ContactRecord]]
    new_hires_by_ssn: SourceLoader[str, list[NewHireRecord]]
    wages_by_ssn: SourceLoader[str, list[QuarterlyWageRecord]]
    certification_by_id: SourceLoader[int, OffsetCertificationRecord | None]
    certifications_by_ssn: SourceLoader[str, list[OffsetCertificationRecord]]
    tax_refund_offsets_by_certification_id: SourceLoader[int, list[TaxRefundOffsetRecord]]
    document_by_id: SourceLoader[int, DocumentRecord | None]
    documents_by_case_id: SourceLoader[int, list[DocumentRecord]]
    case_view_by_ref: SourceLoader[CaseRef, CaseViewRecord | Unavailable | None]


def build_loaders(sources: Sources) -> Loaders:
    """Fresh loaders for one request."""
    fcr, ndnh, offsets = sources.fcr, sources.ndnh, sources.offsets
    return Loaders(
        participant_by_id=SourceLoader(fcr.get_participants),
        participant_by_ssn=SourceLoader(fcr.get_participants_by_ssn),
        case_by_id=SourceLoader(fcr.get_cases),
        roles_by_case_id=SourceLoader(fcr.list_roles_by_case),
        roles_by_participant_id=SourceLoader(fcr.list_roles_by_participant),
        jurisdictions_by_participant_id=SourceLoader(fcr.list_jurisdictions),
        addresses_by_participant_id=SourceLoader(fcr.list_addresses),
        misidentified_ssns_by_participant_id=SourceLoader(fcr.list_misidentified_ssns),
        employer_by_id=SourceLoader(ndnh.get_employers),
        employer_by_fein=SourceLoader(ndnh.get_employers_by_fein),
        employer_addresses_by_employer_id=SourceLoader(ndnh.list_employer_addresses),
        employer_contacts_by_employer_id=SourceLoader(ndnh.list_employer_contacts),
        new_hires_by_ssn=SourceLoader(ndnh.list_new_hires),
        wages_by_ssn=SourceLoader(ndnh.list_wages),
        certification_by_id=SourceLoader(offsets.get_certifications),
        certifications_by_ssn=SourceLoader(offsets.list_certifications_by_ssn),
        tax_refund_offsets_by_certification_id=SourceLoader(offsets.list_tax_refund_offsets),
        document_by_id=SourceLoader(sources.documents.get_many),
        documents_by_case_id=SourceLoader(sources.documents.list_by_case),
        case_view_by_ref=SourceLoader(sources.state_systems.get_case_views),
    )
