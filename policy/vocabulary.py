"""The words policy speaks: resources, actions, outcomes, classifications, relations.

Code never hands Casbin a raw string: it names one of these.
"""

from __future__ import annotations

from enum import StrEnum


class Resource(StrEnum):
    """Everything access.md rules on, as named in `policy.csv`."""

    PARTICIPANT = "Participant"
    """Reading participants at all: `participant`, `participants`, `Case.participants`."""
    PARTICIPANT_SEARCH = "Participant.search"
    """Searching participants by SSN or date of birth."""
    PARTICIPANT_SSN = "Participant.ssn"
    """A participant's SSN (PII), also as reported misidentified."""
    PARTICIPANT_DATE_OF_BIRTH = "Participant.dateOfBirth"
    """A participant's date of birth (PII)."""
    PARTICIPANT_LOCATE = "Participant.locate"
    """Locate information: addresses, NDNH employment and wages."""
    ADDRESS_IRS = "Address.irs"
    """An address the IRS reported: Federal Tax Information."""
    CASE = "Case"
    """Cases and their FCR fields."""
    CASE_QUICK = "Case.quick"
    """QUICK: worker, financials and activities from the holding state's system."""
    FTI_PAYMENT = "Payment.fti"
    """A QUICK payment from the federal tax refund offset: Federal Tax Information."""
    EMPLOYER = "Employer"
    """Employers."""
    OFFSET_CERTIFICATION = "OffsetCertification"
    """Offset certifications."""
    TAX_REFUND_OFFSET = "TaxRefundOffset"
    """Tax refund offsets: Federal Tax Information."""
    MISIDENTIFIED_SSN = "MisidentifiedSsn"
    """Reports of SSNs wrongly assigned to a participant (written by caseworkers)."""
    DOCUMENT = "Document"
    """Documents of the Electronic Document Exchange: reading them, sending and requesting."""
    DOCUMENT_DOWNLOAD_URL = "Document.downloadUrl"
    """The content of a document that holds Federal Tax Information."""
    TERMINATION_NOTICE = "TerminationNotice"
    """eTermination notices: reading them, and (write) reporting one."""
    NOTICE_PARTICIPANT = "TerminationNotice.participant"
    """The participant a termination notice was matched to."""
    NOTICE_SUBSCRIPTION = "TerminationNotice.subscription"
    """Receiving termination notices as they are reported."""
    AUDIT_EVENT = "AuditEvent"
    """The audit trail."""
    INTROSPECTION = "Introspection"
    """`__schema` and `__type`."""


class Action(StrEnum):
    """What is done to a resource."""

    READ = "read"
    """Reading it."""
    WRITE = "write"
    """Changing it."""


class Outcome(StrEnum):
    """What a decision does to the value."""

    ALLOW = "allow"
    """Give it in full."""
    MASK = "mask"
    """Give it masked."""
    OMIT = "omit"
    """Leave it out of the list (a lone value: null with the rule's code)."""
    DENY = "deny"
    """Null with the rule's code."""


class Classification(StrEnum):
    """Why a resource is protected; decides what an allowed read writes to the audit trail."""

    NONE = "none"
    """Not sensitive in itself: only denials are audited."""
    PII = "PII"
    """Personally identifiable: full reads are audited."""
    LOCATE = "locate"
    """Locate information, FVI-protected: reads are audited."""
    FTI = "FTI"
    """Federal Tax Information: reads are audited."""


class Relation(StrEnum):
    """How a viewer stands to a record, computed from data (see `policy.relations`)."""

    ANY = "any"
    """No relation matters for this resource."""
    OWN = "own"
    """The participant is on a case the viewer's jurisdiction holds."""
    OTHER = "other"
    """None of the relations the resource knows."""
    FVI = "fvi"
    """The participant is under a family violence indicator's protection."""
    SUBMITTING = "submitting"
    """The viewer's jurisdiction submitted the certification."""
    OWN_FEIN = "own_fein"
    """The employer is the viewer's own organisation."""
    PARTY = "party"
    """The viewer's jurisdiction sent or received the document."""
    REPORTER = "reporter"
    """The viewer's organisation reported the notice."""
    NOTIFIED = "notified"
    """The notice notified the viewer's jurisdiction."""
    DEVELOPMENT = "development"
    """The hub runs in development mode."""
    PRODUCTION = "production"
    """The hub runs in production mode."""
