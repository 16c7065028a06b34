"""Fields declared to carry no person's data, each with the reason.

`policy.registry.PERSON_DATA` lists the fields that carry a person's data and the rule
that must decide each. Every other field of the served schema is declared here, so that
a new field is classified by whoever adds it: tests/schema/test_guard.py fails, naming
the field, for a field in neither table. "Public" here means "no person's data": an
organisation's registration is still read as the Employer rule says.
"""

from __future__ import annotations

_TOKEN = "the claims of the viewer's own token, shown to its bearer"
_DIRECTORY = "the Intergovernmental Reference Guide: public directory of agencies and offices"
_CONTACT = (
    "a business contact (an agency office, an employer's contact, a case's caseworker under "
    "Case.worker's QUICK rule), not a participant's data"
)
_ADDRESS = (
    "whose address it is is the answering field's question: Participant.addresses and "
    "TerminationNotice.lastKnownAddress carry the locate rule; directory and employer "
    "addresses are business addresses"
)
_EMPLOYER = "an organisation's own registration (the Employer rule decides who sees it)"
_USER_ERROR = "why an input was refused: a path, a safe message, a code; never a value"
_PAGING = "relay paging structure; the connection's field rules scope what it counts and lists"
_ROOT = "a root entry point answering only public data, or a mutation decided by its write rule"

_CONNECTED = (
    "Participant",
    "Case",
    "Employer",
    "OffsetCertification",
    "Document",
    "DirectoryEntry",
    "TerminationNotice",
    "AuditEvent",
)
"""Node types with a relay connection (`XConnection`, `XEdge`)."""


def _of(type_name: str, reason: str, *fields: str) -> dict[str, str]:
    return {f"{type_name}.{name}": reason for name in fields}


def _paging() -> dict[str, str]:
    fields: dict[str, str] = {"PageInfo.hasNextPage": _PAGING, "PageInfo.endCursor": _PAGING}
    for name in _CONNECTED:
        fields |= _of(f"{name}Connection", _PAGING, "edges", "pageInfo", "totalCount")
        fields |= _of(f"{name}Edge", _PAGING, "node", "cursor")
    return fields


PUBLIC_FIELDS: dict[str, str] = {
    **_of("Query", _ROOT, "viewer", "directoryEntry", "directory"),
    **_of(
        "Mutation",
        _ROOT,
        *("addMisidentifiedSsn", "removeMisidentifiedSsn", "updateOffsetCertification"),
        *("releasePassport", "sendDocument", "requestDocument", "reportTermination"),
    ),
    **_of("Viewer", _TOKEN, "subject", "role", "jurisdiction", "fein", "ftiCleared"),
    **_of("DirectoryEntry", _DIRECTORY, "id", "code", "name", "kind", "contacts", "profile"),
    **_of("ProfileAnswer", _DIRECTORY, "topic", "question", "answer"),
    **_of("Contact", _CONTACT, "name", "title", "phone", "email", "address"),
    **_of("Address", _ADDRESS, "line1", "line2", "city", "state", "zip", "source", "reportedOn"),
    **_of(
        "Employer",
        _EMPLOYER,
        *("id", "fein", "name", "providesMedicalInsurance", "eIwoParticipant"),
        *("debtInquiryParticipant", "addresses", "contacts"),
    ),
    **_of("EmployerAddress", _EMPLOYER, "kind", "address"),
    **_of("UserError", _USER_ERROR, "field", "message", "code"),
    **{
        f"{payload}.userErrors": _USER_ERROR
        for payload in (
            "MisidentifiedSsnPayload",
            "OffsetCertificationPayload",
            "DocumentPayload",
            "ReportTerminationPayload",
        )
    },
    **_paging(),
}
