"""The node types that refer to each other: participants, their cases, certifications, documents.

A participant is on cases (`CaseParticipant`), a case has participants and documents, a
document is about a case, a certification is of a participant, a misidentified-SSN report
belongs to one: these types name each other, so they live in one module and no two
schema modules import each other. Each domain module (`schema.participant`,
`schema.case`, `schema.offset`, `schema.document`) keeps its queries, mutations, inputs
and payloads, and imports these types from here; the enums these types carry are here
with them.

The types only declare fields: plain fields are read by name from the resolvers' views
(`resolvers.views`), the rest are resolver functions of the domain's resolver module.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from resolvers import cases, documents, offsets, participants, quick
from schema.address import Address, Contact
from schema.directory import DirectoryEntry
from schema.employer import NewHire, QuarterlyWage
from schema.quick import CaseActivity, CaseFinancials
from schema.relay import Node
from schema.resolved import resolved_by
from schema.scalars import Money


@strawberry.enum
class ParticipantRole(Enum):
    CUSTODIAL_PARTY = "CUSTODIAL_PARTY"
    NONCUSTODIAL_PARENT = "NONCUSTODIAL_PARENT"
    PUTATIVE_FATHER = "PUTATIVE_FATHER"
    CHILD = "CHILD"


@strawberry.enum
class SsnVerification(Enum):
    VERIFIED = "VERIFIED"
    CORRECTED = "CORRECTED"
    UNVERIFIED = "UNVERIFIED"
    MISIDENTIFIED = "MISIDENTIFIED"


@strawberry.enum
class Sex(Enum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    UNKNOWN = "UNKNOWN"


@strawberry.enum
class CaseType(Enum):
    IV_D = "IV_D"
    NON_IV_D = "NON_IV_D"


@strawberry.enum
class CaseStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@strawberry.enum
class OffsetCaseType(Enum):
    TANF = "TANF"
    NON_TANF = "NON_TANF"


@strawberry.enum
class PassportStatus(Enum):
    NOT_CERTIFIED = "NOT_CERTIFIED"
    DENIED = "DENIED"
    RELEASED = "RELEASED"
    EMERGENCY_RELEASED = "EMERGENCY_RELEASED"


@strawberry.enum
class DocumentStatus(Enum):
    REQUESTED = "REQUESTED"
    SENT = "SENT"
    RECEIVED = "RECEIVED"
    DECLINED = "DECLINED"


@strawberry.type(description="A person on one or more cases of the Federal Case Registry.")
class Participant(Node):
    ssn: str | None = strawberry.field(
        description='PII: in full, masked as "***-**-1234", or null, as the viewer may see it.'
    )
    ssn_verification: SsnVerification
    first_name: str
    last_name: str
    date_of_birth: date | None = strawberry.field(description="PII.")
    date_of_death: date | None
    deceased: bool
    sex: Sex
    family_violence: bool = strawberry.field(
        description="Family violence indicator: when true, no locate information is released."
    )
    cases: list[CaseParticipant] = resolved_by(participants.participant_cases)
    addresses: list[Address] | None = resolved_by(
        participants.participant_addresses, description="Locate information."
    )
    employment: list[NewHire] | None = resolved_by(
        participants.participant_employment,
        description="Locate information: new-hire reports in NDNH.",
    )
    wages: list[QuarterlyWage] | None = resolved_by(
        participants.participant_wages,
        description="Locate information: quarterly wages in NDNH.",
    )
    offset_certifications: list[OffsetCertification] = resolved_by(
        participants.participant_certifications
    )
    misidentified_ssns: list[MisidentifiedSsn] = resolved_by(
        participants.participant_misidentified_ssns
    )


@strawberry.type(description="A participant's role on a case.")
class CaseParticipant:
    role: ParticipantRole
    participant: Participant = resolved_by(participants.participant_of)
    case: Case = resolved_by(participants.case_of)


@strawberry.type(description="An SSN a state reported as wrongly assigned to a participant.")
class MisidentifiedSsn:
    ssn: str = strawberry.field(description="Masked as Participant.ssn is.")
    reported_on: date
    participant: Participant = resolved_by(participants.participant_of)
    reported_by: DirectoryEntry = resolved_by(participants.reported_by)


@strawberry.type(description="A child support case as the Federal Case Registry holds it.")
class Case(Node):
    state_case_id: str
    case_type: CaseType
    status: CaseStatus
    has_order: bool
    opened_on: date
    state: DirectoryEntry = resolved_by(
        cases.case_state, description="The state (or tribe) that holds the case."
    )
    participants: list[CaseParticipant] = resolved_by(cases.case_participants)
    worker: Contact | None = resolved_by(
        quick.case_worker, description="QUICK: the holding state's caseworker, read live."
    )
    financials: CaseFinancials | None = resolved_by(
        quick.case_financials,
        description="QUICK: the holding state's financial summary, read live.",
    )
    activities: list[CaseActivity] | None = resolved_by(
        quick.case_activities,
        description="QUICK: the newest `last` completed activities, oldest first.",
    )
    documents: list[Document] = resolved_by(
        cases.case_documents,
        description="Documents exchanged on this case that the viewer may see.",
    )


@strawberry.type(description="A federal tax refund offset. Every field is Federal Tax Information.")
class TaxRefundOffset:
    tax_year: int
    amount: Money
    offset_on: date
    joint_return: bool


@strawberry.type(description="A state's certification of a debt for federal offset.")
class OffsetCertification(Node):
    case_type: OffsetCaseType
    arrears_amount: Money
    certified_on: date
    passport_status: PassportStatus
    passport_denial_eligible: bool = strawberry.field(description="Arrears above $2,500.")
    tax_refund_offset_eligible: bool = strawberry.field(
        description="Arrears of at least $150 (TANF) or $500 (NON_TANF)."
    )
    participant: Participant = resolved_by(offsets.certification_participant)
    submitting_state: DirectoryEntry = resolved_by(offsets.submitting_state)
    tax_refund_offsets: list[TaxRefundOffset] | None = resolved_by(
        offsets.tax_refund_offsets, description="Federal Tax Information."
    )


@strawberry.type(description="A document exchanged between two jurisdictions.")
class Document(Node):
    case: Case | None = resolved_by(
        documents.document_case, description="The FCR case the document is about, if any."
    )
    form_type: str = strawberry.field(
        description='e.g. "UIFSA_TRANSMITTAL_1", "GENERAL_TESTIMONY".'
    )
    title: str
    sender: DirectoryEntry = resolved_by(documents.document_sender)
    recipient: DirectoryEntry = resolved_by(documents.document_recipient)
    status: DocumentStatus
    contains_fti: bool
    size_bytes: int | None
    sha256: str | None
    created_at: datetime
    download_url: str | None = resolved_by(
        documents.download_url,
        description="Short-lived, signed, and needs the bearer token; null until SENT.",
    )
