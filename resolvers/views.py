"""What the resolvers answer the schema with: one view per GraphQL object type.

A view holds what its type exposes (under the field's Python name, so the schema reads
plain fields by attribute), the keys its behaviour fields need (`participant_id`,
`sender_code`...), and the facts policy decides it on (`resolvers.facts`). The schema
declares the fields and delegates the rest to resolver functions; it never sees a
datasource record. `typename` names the GraphQL type a view is served as: the guard
(`schema.guard`) finds item rules (`policy.registry.ITEM_RULES`) by it, and Node types
accept their view by it (`schema.relay.Node.is_type_of`).

Views are frozen and slotted: a resolved object is a value, and nothing downstream may
change what policy decided on. Records whose every attribute a type serves as it is
(tax refund offsets, case activities, profile answers, audit events) are answered as
they are, with no view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from datasources.addresses import AddressRecord, ContactRecord
from datasources.directory import DirectoryEntryRecord, ProfileAnswerRecord
from datasources.documents import DocumentRecord
from datasources.fcr import CaseRecord, CaseRoleRecord, MisidentifiedSsnRecord, ParticipantRecord
from datasources.ndnh import (
    EmployerAddressRecord,
    EmployerRecord,
    NewHireRecord,
    QuarterlyWageRecord,
)
from datasources.notices import TerminationNoticeRecord
from datasources.offsets import OffsetCertificationRecord
from datasources.state_systems import FinancialsRecord, PaymentRecord
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
from resolvers.facts import (
    case_facts,
    certification_facts,
    document_facts,
    employer_facts,
    misidentified_facts,
    payment_facts,
)
from resolvers.ids import encode_global_id
from resolvers.writes import InputProblem


@dataclass(frozen=True, slots=True)
class AddressView:
    typename: ClassVar[str] = "Address"
    line1: str
    line2: str | None
    city: str
    state: str
    zip: str
    source: str | None
    """An AddressSource value; None for a source the contract does not name."""
    reported_on: date | None
    facts: AddressFacts | None = None
    """A participant's address has facts (IRS addresses are FTI); a contact's has none."""


@dataclass(frozen=True, slots=True)
class ContactView:
    typename: ClassVar[str] = "Contact"
    name: str
    title: str | None
    phone: str | None
    email: str | None
    address: AddressView | None


@dataclass(frozen=True, slots=True)
class DirectoryEntryView:
    typename: ClassVar[str] = "DirectoryEntry"
    id: str
    code: str
    name: str
    kind: str
    contacts: tuple[ContactView, ...]
    answers: tuple[ProfileAnswerRecord, ...]


@dataclass(frozen=True, slots=True)
class ParticipantView:
    typename: ClassVar[str] = "Participant"
    id: str
    ssn: str
    ssn_verification: str
    first_name: str
    last_name: str
    date_of_birth: date
    date_of_death: date | None
    deceased: bool
    sex: str
    family_violence: bool
    participant_id: int
    facts: ParticipantFacts


@dataclass(frozen=True, slots=True)
class CaseParticipantView:
    typename: ClassVar[str] = "CaseParticipant"
    role: str
    case_id: int
    participant_id: int


@dataclass(frozen=True, slots=True)
class MisidentifiedSsnView:
    typename: ClassVar[str] = "MisidentifiedSsn"
    ssn: str
    reported_on: date
    participant_id: int
    reported_by_code: str
    facts: ParticipantFacts


@dataclass(frozen=True, slots=True)
class CaseView:
    typename: ClassVar[str] = "Case"
    id: str
    state_case_id: str
    case_type: str
    status: str
    has_order: bool
    opened_on: date
    case_id: int
    jurisdiction: str
    facts: RecordFacts


@dataclass(frozen=True, slots=True)
class PaymentView:
    typename: ClassVar[str] = "Payment"
    date: date
    amount: Decimal
    source: str
    facts: PaymentFacts


@dataclass(frozen=True, slots=True)
class CaseFinancialsView:
    typename: ClassVar[str] = "CaseFinancials"
    monthly_obligation: Decimal
    arrears: Decimal
    as_of: datetime
    received: tuple[PaymentView, ...]
    distributed: tuple[PaymentView, ...]


@dataclass(frozen=True, slots=True)
class EmployerView:
    typename: ClassVar[str] = "Employer"
    id: str
    fein: str
    name: str
    provides_medical_insurance: bool | None
    e_iwo_participant: bool
    debt_inquiry_participant: bool
    employer_id: int
    facts: EmployerFacts


@dataclass(frozen=True, slots=True)
class EmployerAddressView:
    typename: ClassVar[str] = "EmployerAddress"
    kind: str
    address: AddressView


@dataclass(frozen=True, slots=True)
class NewHireView:
    typename: ClassVar[str] = "NewHire"
    hire_date: date
    reported_on: date
    state: str
    employer_id: int


@dataclass(frozen=True, slots=True)
class QuarterlyWageView:
    typename: ClassVar[str] = "QuarterlyWage"
    year: int
    quarter: int
    amount: Decimal
    employer_id: int


@dataclass(frozen=True, slots=True)
class CertificationView:
    typename: ClassVar[str] = "OffsetCertification"
    id: str
    case_type: str
    arrears_amount: Decimal
    certified_on: date
    passport_status: str
    passport_denial_eligible: bool
    tax_refund_offset_eligible: bool
    certification_id: int
    ssn: str
    submitting_state_code: str
    facts: CertificationFacts


@dataclass(frozen=True, slots=True)
class DocumentView:
    typename: ClassVar[str] = "Document"
    id: str
    form_type: str
    title: str
    status: str
    contains_fti: bool
    size_bytes: int | None
    sha256: str | None
    created_at: datetime
    case_id: int | None
    sender_code: str
    recipient_code: str
    has_content: bool
    facts: DocumentFacts


@dataclass(frozen=True, slots=True)
class NoticeView:
    typename: ClassVar[str] = "TerminationNotice"
    id: str
    employee_name: str
    terminated_on: date | None
    never_employed: bool
    last_known_address: AddressView | None
    new_employer_name: str | None
    reported_at: datetime
    employer_id: int
    participant_id: int | None
    state_codes: tuple[str, ...]
    facts: NoticeFacts


@dataclass(frozen=True, slots=True)
class MisidentifiedSsnPayloadView:
    typename: ClassVar[str] = "MisidentifiedSsnPayload"
    misidentified_ssn: MisidentifiedSsnView | None
    user_errors: list[InputProblem]


@dataclass(frozen=True, slots=True)
class CertificationPayloadView:
    typename: ClassVar[str] = "OffsetCertificationPayload"
    offset_certification: CertificationView | None
    user_errors: list[InputProblem]


@dataclass(frozen=True, slots=True)
class DocumentPayloadView:
    typename: ClassVar[str] = "DocumentPayload"
    document: DocumentView | None
    user_errors: list[InputProblem]


@dataclass(frozen=True, slots=True)
class ReportTerminationPayloadView:
    typename: ClassVar[str] = "ReportTerminationPayload"
    notice: NoticeView | None
    user_errors: list[InputProblem]


# -- how each view is made from its record --------------------------------------------

ADDRESS_SOURCES = frozenset({"STATE", "NDNH", "IRS", "DOD", "SSA", "EMPLOYER", "INSURER"})
"""The values of the contract's AddressSource (tests/resolvers/test_views.py holds them equal)."""


def address_view(record: AddressRecord, facts: AddressFacts | None = None) -> AddressView:
    return AddressView(
        line1=record.line1,
        line2=record.line2,
        city=record.city,
        state=record.state,
        zip=record.zip,
        source=record.source if record.source in ADDRESS_SOURCES else None,
        reported_on=record.reported_on,
        facts=facts,
    )


def contact_view(record: ContactRecord) -> ContactView:
    return ContactView(
        name=record.name,
        title=record.title,
        phone=record.phone,
        email=record.email,
        address=address_view(record.address) if record.address else None,
    )


def directory_entry_view(record: DirectoryEntryRecord) -> DirectoryEntryView:
    return DirectoryEntryView(
        id=encode_global_id("DirectoryEntry", record.code),
        code=record.code,
        name=record.name,
        kind=record.kind,
        contacts=tuple(contact_view(contact) for contact in record.contacts),
        answers=record.profile,
    )


def participant_view(record: ParticipantRecord, facts: ParticipantFacts) -> ParticipantView:
    return ParticipantView(
        id=facts.record_id,
        ssn=record.ssn,
        ssn_verification=record.ssn_verification,
        first_name=record.first_name,
        last_name=record.last_name,
        date_of_birth=record.date_of_birth,
        date_of_death=record.date_of_death,
        deceased=record.date_of_death is not None,
        sex=record.sex,
        family_violence=record.family_violence,
        participant_id=record.id,
        facts=facts,
    )


def case_participant_view(record: CaseRoleRecord) -> CaseParticipantView:
    return CaseParticipantView(
        role=record.role, case_id=record.case_id, participant_id=record.participant_id
    )


def misidentified_view(
    record: MisidentifiedSsnRecord, participant: ParticipantFacts
) -> MisidentifiedSsnView:
    return MisidentifiedSsnView(
        ssn=record.ssn,
        reported_on=record.reported_on,
        participant_id=record.participant_id,
        reported_by_code=record.reported_by,
        facts=misidentified_facts(record, participant),
    )


def case_view(record: CaseRecord) -> CaseView:
    facts = case_facts(record)
    return CaseView(
        id=facts.record_id,
        state_case_id=record.state_case_id,
        case_type=record.case_type,
        status=record.status,
        has_order=record.has_order,
        opened_on=record.opened_on,
        case_id=record.id,
        jurisdiction=record.jurisdiction,
        facts=facts,
    )


def payment_view(record: PaymentRecord, case: RecordFacts) -> PaymentView:
    return PaymentView(
        date=record.date,
        amount=record.amount,
        source=record.source,
        facts=payment_facts(record, case),
    )


def financials_view(record: FinancialsRecord, case: RecordFacts) -> CaseFinancialsView:
    return CaseFinancialsView(
        monthly_obligation=record.monthly_obligation,
        arrears=record.arrears,
        as_of=record.as_of,
        received=tuple(payment_view(p, case) for p in record.payments_received),
        distributed=tuple(payment_view(p, case) for p in record.payments_distributed),
    )


def employer_view(record: EmployerRecord) -> EmployerView:
    facts = employer_facts(record)
    return EmployerView(
        id=facts.record_id,
        fein=record.fein,
        name=record.name,
        provides_medical_insurance=record.provides_medical_insurance,
        e_iwo_participant=record.e_iwo_participant,
        debt_inquiry_participant=record.debt_inquiry_participant,
        employer_id=record.id,
        facts=facts,
    )


def employer_address_view(record: EmployerAddressRecord) -> EmployerAddressView:
    return EmployerAddressView(kind=record.kind, address=address_view(record.address))


def new_hire_view(record: NewHireRecord) -> NewHireView:
    return NewHireView(
        hire_date=record.hire_date,
        reported_on=record.reported_on,
        state=record.state,
        employer_id=record.employer_id,
    )


def quarterly_wage_view(record: QuarterlyWageRecord) -> QuarterlyWageView:
    return QuarterlyWageView(
        year=record.year,
        quarter=record.quarter,
        amount=record.amount,
        employer_id=record.employer_id,
    )


def certification_view(record: OffsetCertificationRecord) -> CertificationView:
    facts = certification_facts(record)
    return CertificationView(
        id=facts.record_id,
        case_type=record.case_type,
        arrears_amount=record.arrears_amount,
        certified_on=record.certified_on,
        passport_status=record.passport_status,
        passport_denial_eligible=record.passport_denial_eligible,
        tax_refund_offset_eligible=record.tax_refund_offset_eligible,
        certification_id=record.id,
        ssn=record.ssn,
        submitting_state_code=record.submitting_state,
        facts=facts,
    )


def document_view(record: DocumentRecord) -> DocumentView:
    facts = document_facts(record)
    return DocumentView(
        id=facts.record_id,
        form_type=record.form_type,
        title=record.title,
        status=record.status,
        contains_fti=record.contains_fti,
        size_bytes=record.size_bytes,
        sha256=record.sha256,
        created_at=record.created_at,
        case_id=record.case_id,
        sender_code=record.sender,
        recipient_code=record.recipient,
        has_content=record.has_content,
        facts=facts,
    )


def notice_view(record: TerminationNoticeRecord, facts: NoticeFacts) -> NoticeView:
    address = record.last_known_address
    return NoticeView(
        id=facts.record_id,
        employee_name=record.employee_name,
        terminated_on=record.terminated_on,
        never_employed=record.never_employed,
        last_known_address=address_view(address) if address else None,
        new_employer_name=record.new_employer_name,
        reported_at=record.reported_at,
        employer_id=record.employer_id,
        participant_id=record.participant_id,
        state_codes=record.states,
        facts=facts,
    )
