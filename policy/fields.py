"""Every protected field and object of the schema, with its resource and classification.

This table is the one place that says what is protected; `schema.guard` applies it
to the schema when it is built, and `policy.csv` says who gets what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policy.masking import mask_ssn
from policy.relations import (
    AddressFacts,
    DocumentFacts,
    PaymentFacts,
    RelationOf,
    any_relation,
    document_relation,
    employer_relation,
    locate_relation,
    notice_relation,
    participant_relation,
    submitting_relation,
)
from policy.vocabulary import Classification, Resource


@dataclass(frozen=True)
class FieldRule:
    """A field whose value is decided by `resource` under the parent object's relation."""

    resource: Resource
    classification: Classification = Classification.NONE
    relation: RelationOf = any_relation
    mask: Callable[[object], object] | None = None
    when_argument: str | None = None
    """Apply only when this argument is given (an SSN search is its own resource)."""
    applies: Callable[[object], bool] = lambda _facts: True
    """Apply only to parent objects whose facts pass (a document's FTI content)."""


@dataclass(frozen=True)
class ItemRule:
    """An object type whose every instance is decided on its own facts (lists leave it out)."""

    resource: Resource
    classification: Classification = Classification.NONE
    relation: RelationOf = any_relation
    applies: Callable[[object], bool] = lambda _facts: True


_PARTICIPANT = FieldRule(Resource.PARTICIPANT)
_CASE = FieldRule(Resource.CASE)
_SSN = FieldRule(Resource.PARTICIPANT_SSN, Classification.PII, participant_relation, mask_ssn)
_LOCATE = FieldRule(Resource.PARTICIPANT_LOCATE, Classification.LOCATE, locate_relation)
_QUICK = FieldRule(Resource.CASE_QUICK)

FIELD_RULES: dict[str, tuple[FieldRule, ...]] = {
    "Query.participant": (_PARTICIPANT,),
    "Query.participants": (
        _PARTICIPANT,
        FieldRule(Resource.PARTICIPANT_SEARCH, when_argument="ssn"),
        # a date-of-birth filter would confirm the dates the field itself withholds
        FieldRule(Resource.PARTICIPANT_SEARCH, when_argument="date_of_birth"),
    ),
    "Case.participants": (_PARTICIPANT,),
    "Participant.ssn": (_SSN,),
    "MisidentifiedSsn.ssn": (_SSN,),
    "Participant.dateOfBirth": (
        FieldRule(Resource.PARTICIPANT_DATE_OF_BIRTH, Classification.PII, participant_relation),
    ),
    "Participant.addresses": (_LOCATE,),
    "Participant.employment": (_LOCATE,),
    "Participant.wages": (_LOCATE,),
    "Query.case": (_CASE,),
    "Query.cases": (_CASE,),
    "Participant.cases": (_CASE,),
    "Case.worker": (_QUICK,),
    "Case.financials": (_QUICK,),
    "Case.activities": (_QUICK,),
    "OffsetCertification.taxRefundOffsets": (
        FieldRule(Resource.TAX_REFUND_OFFSET, Classification.FTI, submitting_relation),
    ),
    "Query.auditEvents": (FieldRule(Resource.AUDIT_EVENT),),
    "TerminationNotice.participant": (FieldRule(Resource.NOTICE_PARTICIPANT),),
    "Document.downloadUrl": (
        FieldRule(
            Resource.DOCUMENT_DOWNLOAD_URL,
            Classification.FTI,
            document_relation,
            applies=lambda facts: isinstance(facts, DocumentFacts) and facts.contains_fti,
        ),
    ),
}

ITEM_RULES: dict[str, ItemRule] = {
    "Participant": ItemRule(Resource.PARTICIPANT),
    "Case": ItemRule(Resource.CASE),
    "Employer": ItemRule(Resource.EMPLOYER, relation=employer_relation),
    "OffsetCertification": ItemRule(Resource.OFFSET_CERTIFICATION, relation=submitting_relation),
    "TerminationNotice": ItemRule(Resource.TERMINATION_NOTICE, relation=notice_relation),
    "Payment": ItemRule(
        Resource.FTI_PAYMENT,
        Classification.FTI,
        applies=lambda facts: isinstance(facts, PaymentFacts) and facts.fti,
    ),
    "Address": ItemRule(
        Resource.ADDRESS_IRS,
        Classification.FTI,
        applies=lambda facts: isinstance(facts, AddressFacts) and facts.from_irs,
    ),
    "Document": ItemRule(Resource.DOCUMENT, relation=document_relation),
}

# Fields that answer protected objects (ITEM_RULES), alone, in lists or in connections
# (a connection field filters its edges, so `XEdge.node` needs no guard of its own).
# tests/schema/test_guard.py fails when a field of the served schema answers such an
# object and is missing here.
ITEM_FIELDS: frozenset[str] = frozenset(
    {
        "Query.node",
        "Query.participant",
        "Query.participants",
        "Query.case",
        "Query.cases",
        "Query.employer",
        "Query.employers",
        "Query.offsetCertifications",
        "Participant.addresses",
        "Participant.offsetCertifications",
        "CaseParticipant.participant",
        "CaseParticipant.case",
        "MisidentifiedSsn.participant",
        "OffsetCertification.participant",
        "NewHire.employer",
        "QuarterlyWage.employer",
        "Document.case",
        "Query.document",
        "Query.documents",
        "Case.documents",
        "DocumentPayload.document",
        "TerminationNotice.employer",
        "TerminationNotice.participant",
        "Query.terminationNotices",
        "ReportTerminationPayload.notice",
        "OffsetCertificationPayload.offsetCertification",
        "CaseFinancials.paymentsReceived",
        "CaseFinancials.paymentsDistributed",
    }
)
