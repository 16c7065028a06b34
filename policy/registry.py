"""Every protected action of the hub, declared once, by its coordinate.

Field reads (FIELD_RULES), objects decided on their own facts (ITEM_RULES, answered by
ITEM_FIELDS), list scopes (LIST_SCOPES), filters on protected values (FILTER_READS),
writes (WRITE_RULES), subscriptions and their items (SUBSCRIPTIONS), downloads (DOWNLOADS)
and introspection (INTROSPECTION). `policy.gate.Gate` is what applies them, and the only
thing that does; `policy.csv` says who gets what. A coordinate is `Type.field` as served,
so tests/policy/test_registry.py can walk the schema and find every field here or in
`policy.public_fields`.
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
    notice_locate_relation,
    notice_relation,
    participant_relation,
    submitting_relation,
)
from policy.vocabulary import Classification, Relation, Resource


def always(_facts: object) -> bool:
    """The default condition of a rule: it applies to every object."""
    return True


@dataclass(frozen=True)
class FieldRule:
    """A field whose value is decided by `resource` under the parent object's relation."""

    resource: Resource
    classification: Classification = Classification.NONE
    relation: RelationOf = any_relation
    mask: Callable[[object], object] | None = None
    when_argument: str | None = None
    """Apply only when this argument is given (an SSN search is its own resource)."""
    applies: Callable[[object], bool] = always
    """Apply only to parent objects whose facts pass (a document's FTI content)."""


@dataclass(frozen=True)
class ItemRule:
    """An object type whose every instance is decided on its own facts (lists leave it out)."""

    resource: Resource
    classification: Classification = Classification.NONE
    relation: RelationOf = any_relation
    applies: Callable[[object], bool] = always


@dataclass(frozen=True)
class ScopeRule:
    """A list pushed down to its source: every row, the related rows, none, or refused.

    Leaving rows out after the query would break `totalCount` and page sizes, so a root
    list asks the gate for its scope before the source is queried.
    """

    resource: Resource
    narrowing: tuple[Relation, ...]
    """The relations that may narrow the list to the viewer's own rows."""
    refuses: bool = True
    """Whether a viewer with no relation is refused (else answered an empty list)."""


@dataclass(frozen=True)
class WriteRule:
    """A mutation: the resource it may change and how the writer stands to the record."""

    resource: Resource
    relation: RelationOf = any_relation


_PARTICIPANT = FieldRule(Resource.PARTICIPANT)
_CASE = FieldRule(Resource.CASE)
_SSN = FieldRule(Resource.PARTICIPANT_SSN, Classification.PII, participant_relation, mask_ssn)
_LOCATE = FieldRule(Resource.PARTICIPANT_LOCATE, Classification.LOCATE, locate_relation)
_QUICK = FieldRule(Resource.CASE_QUICK)
# what an employer's termination notice says of where the employee lives and works now
_NOTICE_LOCATE = FieldRule(
    Resource.PARTICIPANT_LOCATE, Classification.LOCATE, notice_locate_relation
)

FIELD_RULES: dict[str, tuple[FieldRule, ...]] = {
    "Query.participant": (_PARTICIPANT,),
    "Query.participants": (
        _PARTICIPANT,
        # refusals are audited as Participant.search; every search the resolver runs is too
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
    "TerminationNotice.lastKnownAddress": (_NOTICE_LOCATE,),
    "TerminationNotice.newEmployerName": (_NOTICE_LOCATE,),
    "Document.downloadUrl": (
        FieldRule(
            Resource.DOCUMENT_DOWNLOAD_URL,
            Classification.FTI,
            document_relation,
            applies=lambda facts: isinstance(facts, DocumentFacts) and facts.contains_fti,
        ),
    ),
}

# Filters on protected values: a filter reads what it filters on, so the list reaches only
# the records whose value the viewer may read in full (`Gate.filter_scope`), its
# totalCount too, and each match listed is audited as a read of that value.
FILTER_READS: dict[str, dict[str, Resource]] = {
    "Query.participants": {
        "ssn": Resource.PARTICIPANT_SSN,
        "date_of_birth": Resource.PARTICIPANT_DATE_OF_BIRTH,
    },
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


def _of(type_name: str, resource: Resource, *fields: str) -> dict[str, Resource]:
    return {f"{type_name}.{name}": resource for name in fields}


# Every field of the schema that carries a person's data (names, SSNs, dates, amounts,
# addresses, employers tied to a person), with the resource whose rule must decide it: a
# FIELD_RULES line of that resource on the field itself, or every path to its type passing
# through a guard of that resource (an item rule, or a field rule above it).
# tests/schema/test_guard.py walks the served schema: a field here without that protection
# fails, naming the field, and so does a field in neither this table nor
# `policy.public_fields.PUBLIC_FIELDS`.
PERSON_DATA: dict[str, Resource] = {
    **_of(
        "Participant",
        Resource.PARTICIPANT,
        *("id", "ssnVerification", "firstName", "lastName", "dateOfDeath", "deceased"),
        *("sex", "familyViolence", "misidentifiedSsns"),
    ),
    "Participant.ssn": Resource.PARTICIPANT_SSN,
    "Participant.dateOfBirth": Resource.PARTICIPANT_DATE_OF_BIRTH,
    **_of("Participant", Resource.PARTICIPANT_LOCATE, "addresses", "employment", "wages"),
    "Participant.cases": Resource.CASE,
    "Participant.offsetCertifications": Resource.OFFSET_CERTIFICATION,
    **_of("CaseParticipant", Resource.PARTICIPANT, "role", "participant"),
    "CaseParticipant.case": Resource.CASE,
    "MisidentifiedSsn.ssn": Resource.PARTICIPANT_SSN,
    **_of("MisidentifiedSsn", Resource.PARTICIPANT, "reportedOn", "reportedBy", "participant"),
    **_of("NewHire", Resource.PARTICIPANT_LOCATE, "hireDate", "reportedOn", "state", "employer"),
    **_of("QuarterlyWage", Resource.PARTICIPANT_LOCATE, "year", "quarter", "amount", "employer"),
    **_of(
        "Case",
        Resource.CASE,
        *("id", "stateCaseId", "caseType", "status", "hasOrder", "openedOn", "state"),
    ),
    "Case.participants": Resource.PARTICIPANT,
    **_of("Case", Resource.CASE_QUICK, "worker", "financials", "activities"),
    "Case.documents": Resource.DOCUMENT,
    **_of(
        "CaseFinancials",
        Resource.CASE_QUICK,
        *("monthlyObligation", "arrears", "asOf", "paymentsReceived", "paymentsDistributed"),
    ),
    **_of("Payment", Resource.CASE_QUICK, "date", "amount", "source"),
    **_of("CaseActivity", Resource.CASE_QUICK, "date", "code", "description"),
    **_of(
        "OffsetCertification",
        Resource.OFFSET_CERTIFICATION,
        *("id", "caseType", "arrearsAmount", "certifiedOn", "passportStatus"),
        *("passportDenialEligible", "taxRefundOffsetEligible", "submittingState"),
    ),
    "OffsetCertification.participant": Resource.PARTICIPANT,
    "OffsetCertification.taxRefundOffsets": Resource.TAX_REFUND_OFFSET,
    **_of(
        "TaxRefundOffset",
        Resource.TAX_REFUND_OFFSET,
        "taxYear",
        "amount",
        "offsetOn",
        "jointReturn",
    ),
    **_of(
        "Document",
        Resource.DOCUMENT,
        *("id", "formType", "title", "sender", "recipient", "status", "containsFti"),
        *("sizeBytes", "sha256", "createdAt", "downloadUrl"),
    ),
    "Document.case": Resource.CASE,
    **_of(
        "TerminationNotice",
        Resource.TERMINATION_NOTICE,
        *("id", "employeeName", "terminatedOn", "neverEmployed", "reportedAt", "employer"),
        "states",
    ),
    **_of("TerminationNotice", Resource.PARTICIPANT_LOCATE, "lastKnownAddress", "newEmployerName"),
    "TerminationNotice.participant": Resource.NOTICE_PARTICIPANT,
    **_of(
        "AuditEvent",
        Resource.AUDIT_EVENT,
        *("at", "subject", "role", "jurisdiction", "operation", "action", "resource"),
        *("recordId", "purpose"),
    ),
}

# Fields whose resolver asks the gate for each object itself, so that they count as a
# guard of these resources on the way to what they answer.
DECIDED_BY_RESOLVER: dict[str, tuple[Resource, ...]] = {
    # resolvers/notice_stream.py yields only the notices the gate admits (SUBSCRIPTIONS)
    "Subscription.terminationNotices": (Resource.TERMINATION_NOTICE,),
    # the write answers only the caseworker of a jurisdiction holding the participant's case
    # (MisidentifiedSsn write is own-only), who may read the participant and its reports
    "MisidentifiedSsnPayload.misidentifiedSsn": (Resource.PARTICIPANT,),
}


# Root lists and the relation that narrows them (`Gate.list_scope`).
_DOCUMENTS = ScopeRule(Resource.DOCUMENT, (Relation.PARTY,))
LIST_SCOPES: dict[str, ScopeRule] = {
    "Query.employers": ScopeRule(Resource.EMPLOYER, (Relation.OWN_FEIN,)),
    "Query.documents": _DOCUMENTS,
    "Case.documents": _DOCUMENTS,
    "Query.offsetCertifications": ScopeRule(Resource.OFFSET_CERTIFICATION, (Relation.SUBMITTING,)),
    # a viewer who reports none and is notified of none has an empty list, not a refusal
    "Query.terminationNotices": ScopeRule(
        Resource.TERMINATION_NOTICE, (Relation.REPORTER, Relation.NOTIFIED), refuses=False
    ),
}

# Lookups by a key whose absence must not be told from a refusal (`Gate.refuse_unrelated`):
# the key is refused as a record of that resource unrelated to the viewer would be.
# `Query.node` does the same with the item rule of the type its id names.
KEYED_LOOKUPS: dict[str, Resource] = {
    "Query.employer": Resource.EMPLOYER,
}

_MISIDENTIFIED = WriteRule(Resource.MISIDENTIFIED_SSN, participant_relation)
_CERTIFICATION = WriteRule(Resource.OFFSET_CERTIFICATION, submitting_relation)
_DOCUMENT_WRITE = WriteRule(Resource.DOCUMENT)
# Every mutation, with what it may change (`Gate.write`). A refused write is a userError of
# the payload, audited by the resolver as the write attempt it was.
WRITE_RULES: dict[str, WriteRule] = {
    "Mutation.addMisidentifiedSsn": _MISIDENTIFIED,
    "Mutation.removeMisidentifiedSsn": _MISIDENTIFIED,
    "Mutation.updateOffsetCertification": _CERTIFICATION,
    "Mutation.releasePassport": _CERTIFICATION,
    "Mutation.sendDocument": _DOCUMENT_WRITE,
    "Mutation.requestDocument": _DOCUMENT_WRITE,
    "Mutation.reportTermination": WriteRule(Resource.TERMINATION_NOTICE),
}


@dataclass(frozen=True)
class InputRule:
    """An input value that needs a decision of its own, on no record: a resource, a relation."""

    resource: Resource
    relation: Relation


# Input values a write may carry only with the policy's leave (`Gate.may_send_fti`):
# FTI content is sent only by who could read it as a party.
INPUT_RULES: dict[str, InputRule] = {
    "SendDocumentInput.containsFti": InputRule(Resource.DOCUMENT_DOWNLOAD_URL, Relation.PARTY),
}


@dataclass(frozen=True)
class SubscriptionRule:
    """Who may subscribe at all (decided at connection_init), and each result's item rule."""

    subscribe: Resource
    item: ItemRule


SUBSCRIPTIONS: dict[str, SubscriptionRule] = {
    "Subscription.terminationNotices": SubscriptionRule(
        Resource.NOTICE_SUBSCRIPTION, ITEM_RULES["TerminationNotice"]
    ),
}

# The document content route: the document's item rule, then its FTI content's field rule,
# exactly those of the schema (`Document` and `Document.downloadUrl`).
DOWNLOADS: dict[str, tuple[ItemRule | FieldRule, ...]] = {
    "Document.content": (
        ITEM_RULES["Document"],
        *FIELD_RULES["Document.downloadUrl"],
    ),
}

# `__schema` and `__type`: decided under DEVELOPMENT or PRODUCTION (`Gate.introspection`).
INTROSPECTION = Resource.INTROSPECTION


def ruled_fields() -> frozenset[str]:
    """Every schema coordinate a rule of this registry decides (or, for person data, covers).

    A served field is either here or declared public (`policy.public_fields`);
    tests/policy/test_registry.py walks the schema and names any field in neither.
    """
    return frozenset(
        {
            *FIELD_RULES,
            *ITEM_FIELDS,
            *PERSON_DATA,
            *DECIDED_BY_RESOLVER,
            *LIST_SCOPES,
            *FILTER_READS,
            *KEYED_LOOKUPS,
            *WRITE_RULES,
            *SUBSCRIPTIONS,
        }
    )
