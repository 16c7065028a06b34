"""The facts policy decides on, built from records: one function per record type, here only.

A fact is how a record may stand to a viewer (whose cases hold a participant, which
state submitted a certification, whose FEIN an employer has, who sent a document, who
reported a notice): `policy.relations` turns facts and a viewer into the relation a
policy line names. Every reader of a record (the schema's views, the writes, the
subscription stream, the download route) takes its facts from these functions, so a
record is decided on the same facts, and audited under the same record id (its global
id), whichever path reached it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from strawberry import Info

from datasources.addresses import AddressRecord
from datasources.documents import DocumentRecord
from datasources.fcr import CaseRecord, MisidentifiedSsnRecord, ParticipantRecord
from datasources.ndnh import EmployerRecord
from datasources.notices import TerminationNoticeRecord
from datasources.offsets import OffsetCertificationRecord
from datasources.state_systems import FTI_PAYMENT_SOURCES, PaymentRecord
from policy.relations import (
    AddressFacts,
    CertificationFacts,
    DocumentFacts,
    EmployerFacts,
    NoticeFacts,
    ParticipantFacts,
    PaymentFacts,
    RecordFacts,
)
from resolvers.context import Context
from resolvers.ids import encode_global_id

PARTICIPANT = "Participant"
CASE = "Case"
EMPLOYER = "Employer"
CERTIFICATION = "OffsetCertification"
DOCUMENT = "Document"
NOTICE = "TerminationNotice"
MISIDENTIFIED_SSN = "MisidentifiedSsn"


def participant_facts(record: ParticipantRecord, jurisdictions: frozenset[str]) -> ParticipantFacts:
    """A participant, with the jurisdictions holding their cases (OWN) and the FVI flag."""
    return ParticipantFacts(
        encode_global_id(PARTICIPANT, record.id), jurisdictions, record.family_violence
    )


def matched_participant_facts(
    participant_id: int, record: ParticipantRecord | None, jurisdictions: frozenset[str]
) -> ParticipantFacts:
    """The participant a notice matched, as the FCR holds them now.

    A participant gone from the FCR is treated as protected (family violence): fail closed.
    """
    return ParticipantFacts(
        encode_global_id(PARTICIPANT, participant_id),
        jurisdictions,
        record is None or record.family_violence,
    )


def report_record_id(record: MisidentifiedSsnRecord) -> str:
    """The trail's record id of one report (written or read): the participant's id and its own.

    Both, because a withdrawn report's row is gone: its id alone would no longer say
    whose record changed. Global ids never contain "/".
    """
    participant = encode_global_id(PARTICIPANT, record.participant_id)
    return f"{participant}/{encode_global_id(MISIDENTIFIED_SSN, record.id)}"


def misidentified_facts(
    record: MisidentifiedSsnRecord, participant: ParticipantFacts
) -> ParticipantFacts:
    """A misidentified-SSN report: decided as its participant's SSN, audited as this report."""
    return replace(participant, record_id=report_record_id(record))


def case_facts(record: CaseRecord) -> RecordFacts:
    """A case: decided on the role alone, so only which case it is."""
    return RecordFacts(encode_global_id(CASE, record.id))


def certification_facts(record: OffsetCertificationRecord) -> CertificationFacts:
    """An offset certification, with the state that submitted it (SUBMITTING)."""
    return CertificationFacts(encode_global_id(CERTIFICATION, record.id), record.submitting_state)


def employer_facts(record: EmployerRecord) -> EmployerFacts:
    """An employer, with its FEIN (OWN_FEIN for the organisation's own token)."""
    return EmployerFacts(encode_global_id(EMPLOYER, record.id), record.fein)


def document_facts(record: DocumentRecord) -> DocumentFacts:
    """A document, with its two parties (PARTY) and whether its content is FTI."""
    return DocumentFacts(
        encode_global_id(DOCUMENT, record.id),
        record.sender,
        record.recipient,
        record.contains_fti,
    )


def address_facts(record: AddressRecord, owner: ParticipantFacts) -> AddressFacts:
    """A participant's address: FTI when the IRS reported it; audited as the participant."""
    return AddressFacts(owner.record_id, from_irs=record.source == "IRS")


def payment_facts(record: PaymentRecord, case: RecordFacts) -> PaymentFacts:
    """A QUICK payment row: FTI when its source is a federal tax refund offset."""
    return PaymentFacts(case.record_id, fti=record.source in FTI_PAYMENT_SOURCES)


def notice_facts(
    record: TerminationNoticeRecord, participant: ParticipantFacts | None = None
) -> NoticeFacts:
    """A termination notice: its reporter (REPORTER), the states notified (NOTIFIED).

    With the matched participant's facts, which decide its locate information.
    """
    return NoticeFacts(
        encode_global_id(NOTICE, record.id),
        record.employer_fein,
        frozenset(record.states),
        participant,
    )


async def load_participant_facts(
    info: Info[Context, None], records: Sequence[ParticipantRecord]
) -> list[ParticipantFacts]:
    """The facts of `records`, their case holders loaded in one batch."""
    loader = info.context.loaders.jurisdictions_by_participant_id
    held = await loader.load_many([record.id for record in records])
    return [participant_facts(r, j) for r, j in zip(records, held, strict=True)]


async def load_notice_facts(
    info: Info[Context, None], records: Sequence[TerminationNoticeRecord], *, fresh: bool = False
) -> list[NoticeFacts]:
    """Each notice's facts with its matched participant's as the FCR holds them now.

    The locate information a notice carries is decided on the participant's current family
    violence indicator and case holders, not those of the day it was reported. `fresh`
    drops what the loaders remember of these participants first (a subscription's loaders
    outlive one event; a flag set since must count).
    """
    loaders = info.context.loaders
    ids = sorted({r.participant_id for r in records if r.participant_id is not None})
    if fresh:
        for participant_id in ids:
            loaders.participant_by_id.clear(participant_id)
            loaders.jurisdictions_by_participant_id.clear(participant_id)
    people = await loaders.participant_by_id.load_many(ids)
    holders = await loaders.jurisdictions_by_participant_id.load_many(ids)
    known = {
        participant_id: matched_participant_facts(participant_id, person, held)
        for participant_id, person, held in zip(ids, people, holders, strict=True)
    }
    return [
        notice_facts(r, None if r.participant_id is None else known[r.participant_id])
        for r in records
    ]
