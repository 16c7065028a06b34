"""The access contract (shared/contract/access.md, "Reading"), row by row, over real HTTP.

Every row of RULES names a role and its token's claims, the record it reads (found in
the seeded data by a finder below), the query, and what the contract says comes back.
Each row runs on both backends through a live uvicorn server with a real token.

What a row expects:

- `full`: the value ocss_staff with FTI clearance reads for the same query, not empty,
  not masked, without any error;
- `masked`: `***-**-NNNN` with the last four digits of the full SSN;
- `refused`: null at the field, and exactly one error, of the row's code, whose
  `path` is the field's;
- `answered`: a value at the path and no error at all;
- `not_refused`: no FORBIDDEN, FTI_RESTRICTED or FVI_PROTECTED error (the value may
  be null: QUICK fields are null until they are federated);
- `present` / `absent` / `only` / `empty`: the list at the path (collected through
  lists and connections) holds the record's key, lacks it, holds just it, or is empty.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from policy.tokens import ROLES
from tests.conftest import Hub

REFUSAL_CODES = ("FORBIDDEN", "FTI_RESTRICTED", "FVI_PROTECTED")
STATE = "06"
"""The viewing state worker's state."""
TRIBE = "T0001"
"""The viewing tribal worker's tribe."""
REFUND_STATE = "42"
"""The state whose certification has a tax refund offset (scenarios.py, family 9)."""
MISIDENTIFYING_STATE = "53"
"""A state holding a participant with misidentified SSNs (scenarios.py, family 4)."""
OWN_FEIN = "90-0000001"
"""Employer 1's FEIN (scenarios.py)."""

# claims of the tokens
NONE: dict[str, object] = {}
STATE_WORKER = {"jurisdiction": STATE}
STATE_WORKER_FTI = {"jurisdiction": STATE, "fti": True}
OTHER_STATE_WORKER = {"jurisdiction": "36"}
SECOND_HOLDER = {"jurisdiction": "48"}
REFUND_WORKER = {"jurisdiction": REFUND_STATE}
REFUND_WORKER_FTI = {"jurisdiction": REFUND_STATE, "fti": True}
TRIBAL_WORKER = {"jurisdiction": TRIBE}
TRIBAL_WORKER_FTI = {"jurisdiction": TRIBE, "fti": True}
OCSS = {"jurisdiction": "FED"}
OCSS_FTI = {"jurisdiction": "FED", "fti": True}
ORGANISATION = {"fein": OWN_FEIN}
INTERNATIONAL = {"jurisdiction": "CA"}
AUDITOR = {"jurisdiction": "FED"}

CLAIMS_OF_ROLE: dict[str, Mapping[str, object]] = {
    "state_worker": STATE_WORKER,
    "tribal_worker": TRIBAL_WORKER,
    "employer": ORGANISATION,
    "insurer": ORGANISATION,
    "financial_institution": ORGANISATION,
    "ocss_staff": OCSS,
    "analyst": NONE,
    "international": INTERNATIONAL,
    "auditor": AUDITOR,
}
CASEWORKER_ROLES = ("state_worker", "tribal_worker", "ocss_staff", "analyst")
"""The roles that read participants and cases."""
OUTSIDE_ROLES = ("employer", "insurer", "financial_institution", "international", "auditor")
"""The roles that read neither participants nor cases."""
ORGANISATION_ROLES = ("employer", "insurer", "financial_institution")

# what a row reads
NOTHING = "no record in particular"
OWN = "an own participant of state 06 (IRS address, employment, wages)"
OTHER = "a participant of another state (no case of 06 or T0001)"
TRIBAL = "an own participant of tribe T0001"
FVI = "an FVI participant (cases of 06 and 48)"
CASE = "a case of state 06"
CERT_OWN = "a certification submitted by the viewer's state 06"
CERT_OTHER = "a certification of the same participant submitted by another state"
CERT_REFUND = "a certification with tax refund offsets submitted by state 42"
EMPLOYER = "employer 90-0000001"
OTHER_EMPLOYER = "another employer"
UNKNOWN_EMPLOYER = "a FEIN and an employer id that no employer has"
MISIDENTIFIED = "a participant of state 53 with misidentified SSNs"


@dataclass(frozen=True)
class Expect:
    kind: str
    path: str
    code: str | None = None
    key: str | None = None
    """For list expectations: the value looked for (default: the target's key)."""

    def __str__(self) -> str:
        return f"{self.kind}{f' {self.code}' if self.code else ''} at {self.path}"


def full(path: str) -> Expect:
    return Expect("full", path)


def masked(path: str) -> Expect:
    return Expect("masked", path)


def refused(code: str, path: str) -> Expect:
    return Expect("refused", path, code)


def answered(path: str) -> Expect:
    return Expect("answered", path)


def not_refused(path: str) -> Expect:
    return Expect("not_refused", path)


def present(path: str, key: str | None = None) -> Expect:
    return Expect("present", path, key=key)


def absent(path: str, key: str | None = None) -> Expect:
    return Expect("absent", path, key=key)


def only(path: str) -> Expect:
    return Expect("only", path)


def empty(path: str) -> Expect:
    return Expect("empty", path)


def nothing(path: str) -> Expect:
    """Null at `path` and no error: a key naming no record, to a viewer who may read any."""
    return Expect("nothing", path)


def unseen(path: str) -> Expect:
    """A connection at `path` that neither lists nor counts anything, without an error."""
    return Expect("unseen", path)


@dataclass(frozen=True)
class Rule:
    name: str
    role: str
    claims: Mapping[str, object]
    target: str
    query: str
    expect: Expect


@dataclass(frozen=True)
class Found:
    """A record of the seeded data: the variables that name it, and its key in lists."""

    variables: dict[str, object] = field(default_factory=dict)
    key: str | None = None


# the queries; variables: $id (the record), $ssn, $pid (a certification's participant), $fein
VIEWER_AND_DIRECTORY = """
{
  viewer { subject role jurisdiction fein ftiCleared }
  directory(first: 5) { totalCount edges { node { code name kind contacts { name } } } }
  directoryEntry(code: "06") { code name kind contacts { name phone } profile { topic answer } }
}
"""
PARTICIPANT = "query($id: ID!) { participant(id: $id) { id firstName lastName } }"
PARTICIPANTS = "{ participants(first: 3) { totalCount edges { node { id lastName } } } }"
NODE_PARTICIPANT = "query($id: ID!) { node(id: $id) { id ... on Participant { lastName } } }"
SEARCH = "query($ssn: String) { participants(ssn: $ssn) { totalCount edges { node { id } } } }"
# not in access.md: a date-of-birth filter would confirm the dates the field withholds,
# so it is a search by identifying data like the SSN search. A filter is a read of what it
# filters on: it reaches only the participants whose SSN (date of birth) the viewer may read
# in full, and counts only those, so neither the list nor totalCount confirms a masked SSN
# or a withheld date (caseworkers: own participants; OCSS: all)
SEARCH_DOB = (
    "query($dob: Date) { participants(dateOfBirth: $dob, first: 100)"
    " { totalCount edges { node { id } } } }"
)
CASE_PARTICIPANTS = (
    "query($id: ID!) { case(id: $id) { id participants { role participant { id } } } }"
)
SSN = "query($id: ID!) { participant(id: $id) { ssn } }"
DATE_OF_BIRTH = "query($id: ID!) { participant(id: $id) { dateOfBirth } }"
ADDRESSES = (
    "query($id: ID!) { participant(id: $id)"
    " { addresses { line1 line2 city state zip source reportedOn } } }"
)
EMPLOYMENT = (
    "query($id: ID!) { participant(id: $id)"
    " { employment { hireDate reportedOn state employer { fein } } } }"
)
WAGES = (
    "query($id: ID!) { participant(id: $id) { wages { year quarter amount employer { fein } } } }"
)
ONE_CASE = (
    "query($id: ID!) { case(id: $id)"
    " { id stateCaseId caseType status hasOrder openedOn state { code } } }"
)
CASES = "{ cases(first: 3) { totalCount edges { node { id stateCaseId } } } }"
WORKER = "query($id: ID!) { case(id: $id) { id worker { name phone } } }"
FINANCIALS = "query($id: ID!) { case(id: $id) { id financials { arrears monthlyObligation } } }"
ACTIVITIES = "query($id: ID!) { case(id: $id) { id activities { date code } } }"
ONE_EMPLOYER = "query($fein: String!) { employer(fein: $fein) { fein name } }"
EMPLOYERS = "{ employers(first: 50) { edges { node { fein name } } } }"
CERTIFICATIONS_OF = (
    "query($pid: ID) { offsetCertifications(participantId: $pid, first: 100)"
    " { edges { node { id } } } }"
)
CERTIFICATIONS = "{ offsetCertifications(first: 100) { edges { node { id } } } }"
PARTICIPANT_CERTIFICATIONS = (
    "query($pid: ID!) { participant(id: $pid) { id offsetCertifications { id } } }"
)
REFUNDS = (
    "query($id: ID!) { node(id: $id) { id ... on OffsetCertification"
    " { taxRefundOffsets { taxYear amount offsetOn jointReturn } } } }"
)
MISIDENTIFIED_SSNS = (
    "query($id: ID!) { participant(id: $id) { misidentifiedSsns { ssn reportedOn } } }"
)
NODE_EMPLOYER = "query($node: ID!) { node(id: $node) { id ... on Employer { fein } } }"
NODE_CERTIFICATION = (
    "query($id: ID!) { node(id: $id) { id ... on OffsetCertification { arrearsAmount } } }"
)
AUDIT_EVENTS = "{ auditEvents(first: 1) { totalCount } }"
INTROSPECTION = "{ __schema { queryType { name } } }"


def _for_roles(
    name: str, roles: tuple[str, ...], target: str, query: str, expect: Expect
) -> list[Rule]:
    """One row per role, named `<name>-<role>-<outcome>`."""
    outcome = (expect.code or expect.kind).lower()
    return [
        Rule(f"{name}-{role}-{outcome}", role, CLAIMS_OF_ROLE[role], target, query, expect)
        for role in roles
    ]


def _locate_rules(subject: str, query: str) -> list[Rule]:
    at = f"participant.{subject}"
    name = f"Participant.{subject}"
    return [
        Rule(
            f"{name}-state_worker-own-full", "state_worker", STATE_WORKER_FTI, OWN, query, full(at)
        ),
        Rule(f"{name}-ocss_staff-full", "ocss_staff", OCSS_FTI, OWN, query, full(at)),
        Rule(
            f"{name}-state_worker-other-forbidden",
            "state_worker",
            STATE_WORKER_FTI,
            OTHER,
            query,
            refused("FORBIDDEN", at),
        ),
        Rule(f"{name}-analyst-forbidden", "analyst", NONE, OWN, query, refused("FORBIDDEN", at)),
        Rule(
            f"{name}-fvi-ocss_staff-fvi_protected",
            "ocss_staff",
            OCSS_FTI,
            FVI,
            query,
            refused("FVI_PROTECTED", at),
        ),
        Rule(
            f"{name}-fvi-state_worker-own-fvi_protected",
            "state_worker",
            STATE_WORKER_FTI,
            FVI,
            query,
            refused("FVI_PROTECTED", at),
        ),
        Rule(
            f"{name}-fvi-analyst-fvi_protected",
            "analyst",
            NONE,
            FVI,
            query,
            refused("FVI_PROTECTED", at),
        ),
    ]


RULES: list[Rule] = [
    # viewer, directory, directoryEntry: every role
    *_for_roles("viewer+directory", ROLES, NOTHING, VIEWER_AND_DIRECTORY, answered("viewer.role")),
    # participant, participants, Case.participants
    *_for_roles("participant", CASEWORKER_ROLES, OWN, PARTICIPANT, answered("participant.id")),
    *_for_roles(
        "participant", OUTSIDE_ROLES, OWN, PARTICIPANT, refused("FORBIDDEN", "participant")
    ),
    *_for_roles(
        "participants", CASEWORKER_ROLES, NOTHING, PARTICIPANTS, answered("participants.edges")
    ),
    *_for_roles(
        "participants", OUTSIDE_ROLES, NOTHING, PARTICIPANTS, refused("FORBIDDEN", "participants")
    ),
    *_for_roles(
        "Case.participants",
        CASEWORKER_ROLES,
        CASE,
        CASE_PARTICIPANTS,
        answered("case.participants.participant.id"),
    ),
    Rule(
        "Case.participants-employer-forbidden-at-case",
        "employer",
        ORGANISATION,
        CASE,
        CASE_PARTICIPANTS,
        refused("FORBIDDEN", "case"),
    ),
    Rule(
        "node(participant)-employer-forbidden",
        "employer",
        ORGANISATION,
        OWN,
        NODE_PARTICIPANT,
        refused("FORBIDDEN", "node"),
    ),
    Rule(
        "node(participant)-state_worker-other-answered",
        "state_worker",
        STATE_WORKER,
        OTHER,
        NODE_PARTICIPANT,
        answered("node.id"),
    ),
    # participants(ssn:) search
    Rule(
        "search-state_worker-own-present",
        "state_worker",
        STATE_WORKER,
        OWN,
        SEARCH,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search-state_worker-other-unseen",
        "state_worker",
        STATE_WORKER,
        OTHER,
        SEARCH,
        unseen("participants"),
    ),
    Rule(
        "search-state_worker-of-another-state-unseen",
        "state_worker",
        OTHER_STATE_WORKER,
        OWN,
        SEARCH,
        unseen("participants"),
    ),
    Rule(
        "search-state_worker-second-holding-state-present",
        "state_worker",
        SECOND_HOLDER,
        FVI,
        SEARCH,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search-tribal_worker-other-unseen",
        "tribal_worker",
        TRIBAL_WORKER,
        OWN,
        SEARCH,
        unseen("participants"),
    ),
    Rule(
        "search-tribal_worker-own-present",
        "tribal_worker",
        TRIBAL_WORKER,
        TRIBAL,
        SEARCH,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search-ocss_staff-present",
        "ocss_staff",
        OCSS,
        OWN,
        SEARCH,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search-analyst-forbidden",
        "analyst",
        NONE,
        OWN,
        SEARCH,
        refused("FORBIDDEN", "participants"),
    ),
    Rule(
        "search(dateOfBirth)-state_worker-own-present",
        "state_worker",
        STATE_WORKER,
        OWN,
        SEARCH_DOB,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search(dateOfBirth)-state_worker-other-absent",
        "state_worker",
        STATE_WORKER,
        OTHER,
        SEARCH_DOB,
        absent("participants.edges.node.id"),
    ),
    Rule(
        "search(dateOfBirth)-tribal_worker-own-present",
        "tribal_worker",
        TRIBAL_WORKER,
        TRIBAL,
        SEARCH_DOB,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search(dateOfBirth)-tribal_worker-other-absent",
        "tribal_worker",
        TRIBAL_WORKER,
        OWN,
        SEARCH_DOB,
        absent("participants.edges.node.id"),
    ),
    Rule(
        "search(dateOfBirth)-employer-forbidden",
        "employer",
        ORGANISATION,
        OWN,
        SEARCH_DOB,
        refused("FORBIDDEN", "participants"),
    ),
    Rule(
        "search(dateOfBirth)-ocss_staff-present",
        "ocss_staff",
        OCSS,
        OWN,
        SEARCH_DOB,
        present("participants.edges.node.id"),
    ),
    Rule(
        "search(dateOfBirth)-analyst-forbidden",
        "analyst",
        NONE,
        OWN,
        SEARCH_DOB,
        refused("FORBIDDEN", "participants"),
    ),
    Rule(
        "search-employer-forbidden",
        "employer",
        ORGANISATION,
        OWN,
        SEARCH,
        refused("FORBIDDEN", "participants"),
    ),
    # Participant.ssn
    Rule(
        "Participant.ssn-state_worker-own-full",
        "state_worker",
        STATE_WORKER,
        OWN,
        SSN,
        full("participant.ssn"),
    ),
    Rule(
        "Participant.ssn-state_worker-second-holding-state-full",
        "state_worker",
        SECOND_HOLDER,
        FVI,
        SSN,
        full("participant.ssn"),
    ),
    Rule(
        "Participant.ssn-tribal_worker-own-full",
        "tribal_worker",
        TRIBAL_WORKER,
        TRIBAL,
        SSN,
        full("participant.ssn"),
    ),
    Rule(
        "Participant.ssn-state_worker-other-masked",
        "state_worker",
        STATE_WORKER,
        OTHER,
        SSN,
        masked("participant.ssn"),
    ),
    Rule(
        "Participant.ssn-state_worker-of-another-state-masked",
        "state_worker",
        OTHER_STATE_WORKER,
        OWN,
        SSN,
        masked("participant.ssn"),
    ),
    Rule(
        "Participant.ssn-tribal_worker-other-masked",
        "tribal_worker",
        TRIBAL_WORKER,
        OWN,
        SSN,
        masked("participant.ssn"),
    ),
    Rule("Participant.ssn-analyst-masked", "analyst", NONE, OWN, SSN, masked("participant.ssn")),
    Rule(
        "Participant.ssn-ocss_staff-full", "ocss_staff", OCSS, OTHER, SSN, full("participant.ssn")
    ),
    # an SSN reported misidentified is masked as Participant.ssn is
    Rule(
        "MisidentifiedSsn.ssn-state_worker-own-full",
        "state_worker",
        {"jurisdiction": MISIDENTIFYING_STATE},
        MISIDENTIFIED,
        MISIDENTIFIED_SSNS,
        full("participant.misidentifiedSsns.ssn"),
    ),
    Rule(
        "MisidentifiedSsn.ssn-state_worker-other-masked",
        "state_worker",
        STATE_WORKER,
        MISIDENTIFIED,
        MISIDENTIFIED_SSNS,
        masked("participant.misidentifiedSsns.ssn"),
    ),
    Rule(
        "MisidentifiedSsn.ssn-analyst-masked",
        "analyst",
        NONE,
        MISIDENTIFIED,
        MISIDENTIFIED_SSNS,
        masked("participant.misidentifiedSsns.ssn"),
    ),
    Rule(
        "MisidentifiedSsn.ssn-ocss_staff-full",
        "ocss_staff",
        OCSS,
        MISIDENTIFIED,
        MISIDENTIFIED_SSNS,
        full("participant.misidentifiedSsns.ssn"),
    ),
    # Participant.dateOfBirth
    Rule(
        "Participant.dateOfBirth-state_worker-own-full",
        "state_worker",
        STATE_WORKER,
        OWN,
        DATE_OF_BIRTH,
        full("participant.dateOfBirth"),
    ),
    Rule(
        "Participant.dateOfBirth-tribal_worker-own-full",
        "tribal_worker",
        TRIBAL_WORKER,
        TRIBAL,
        DATE_OF_BIRTH,
        full("participant.dateOfBirth"),
    ),
    Rule(
        "Participant.dateOfBirth-state_worker-other-forbidden",
        "state_worker",
        STATE_WORKER,
        OTHER,
        DATE_OF_BIRTH,
        refused("FORBIDDEN", "participant.dateOfBirth"),
    ),
    Rule(
        "Participant.dateOfBirth-tribal_worker-other-forbidden",
        "tribal_worker",
        TRIBAL_WORKER,
        OWN,
        DATE_OF_BIRTH,
        refused("FORBIDDEN", "participant.dateOfBirth"),
    ),
    Rule(
        "Participant.dateOfBirth-analyst-forbidden",
        "analyst",
        NONE,
        OWN,
        DATE_OF_BIRTH,
        refused("FORBIDDEN", "participant.dateOfBirth"),
    ),
    Rule(
        "Participant.dateOfBirth-ocss_staff-full",
        "ocss_staff",
        OCSS,
        OTHER,
        DATE_OF_BIRTH,
        full("participant.dateOfBirth"),
    ),
    # locate information: addresses, employment, wages; FVI before everything
    *_locate_rules("addresses", ADDRESSES),
    *_locate_rules("employment", EMPLOYMENT),
    *_locate_rules("wages", WAGES),
    Rule(
        "Participant.addresses-tribal_worker-own-full",
        "tribal_worker",
        TRIBAL_WORKER_FTI,
        TRIBAL,
        ADDRESSES,
        full("participant.addresses"),
    ),
    Rule(
        "Participant.addresses-tribal_worker-other-forbidden",
        "tribal_worker",
        TRIBAL_WORKER_FTI,
        OWN,
        ADDRESSES,
        refused("FORBIDDEN", "participant.addresses"),
    ),
    Rule(
        "Participant.addresses-fvi-state_worker-second-holding-state-fvi_protected",
        "state_worker",
        SECOND_HOLDER,
        FVI,
        ADDRESSES,
        refused("FVI_PROTECTED", "participant.addresses"),
    ),
    Rule(
        "Participant.addresses-fvi-state_worker-other-fvi_protected",
        "state_worker",
        OTHER_STATE_WORKER,
        FVI,
        ADDRESSES,
        refused("FVI_PROTECTED", "participant.addresses"),
    ),
    Rule(
        "Participant.addresses-fvi-tribal_worker-fvi_protected",
        "tribal_worker",
        TRIBAL_WORKER,
        FVI,
        ADDRESSES,
        refused("FVI_PROTECTED", "participant.addresses"),
    ),
    # IRS addresses: only with fti, else left out of the list
    Rule(
        "Address.irs-state_worker-own-fti-present",
        "state_worker",
        STATE_WORKER_FTI,
        OWN,
        ADDRESSES,
        present("participant.addresses.source", key="IRS"),
    ),
    Rule(
        "Address.irs-state_worker-own-no-fti-absent",
        "state_worker",
        STATE_WORKER,
        OWN,
        ADDRESSES,
        absent("participant.addresses.source", key="IRS"),
    ),
    Rule(
        "Address.state-state_worker-own-no-fti-present",
        "state_worker",
        STATE_WORKER,
        OWN,
        ADDRESSES,
        present("participant.addresses.source", key="STATE"),
    ),
    Rule(
        "Address.irs-ocss_staff-fti-present",
        "ocss_staff",
        OCSS_FTI,
        OWN,
        ADDRESSES,
        present("participant.addresses.source", key="IRS"),
    ),
    Rule(
        "Address.irs-ocss_staff-no-fti-absent",
        "ocss_staff",
        OCSS,
        OWN,
        ADDRESSES,
        absent("participant.addresses.source", key="IRS"),
    ),
    # case, cases and the FCR fields of Case
    *_for_roles("case", CASEWORKER_ROLES, CASE, ONE_CASE, answered("case.stateCaseId")),
    *_for_roles("case", OUTSIDE_ROLES, CASE, ONE_CASE, refused("FORBIDDEN", "case")),
    *_for_roles("cases", CASEWORKER_ROLES, NOTHING, CASES, answered("cases.edges.node.id")),
    *_for_roles("cases", OUTSIDE_ROLES, NOTHING, CASES, refused("FORBIDDEN", "cases")),
    # Case.worker, .financials, .activities (QUICK)
    Rule(
        "Case.worker-analyst-forbidden",
        "analyst",
        NONE,
        CASE,
        WORKER,
        refused("FORBIDDEN", "case.worker"),
    ),
    Rule(
        "Case.financials-analyst-forbidden",
        "analyst",
        NONE,
        CASE,
        FINANCIALS,
        refused("FORBIDDEN", "case.financials"),
    ),
    Rule(
        "Case.activities-analyst-forbidden",
        "analyst",
        NONE,
        CASE,
        ACTIVITIES,
        refused("FORBIDDEN", "case.activities"),
    ),
    Rule(
        "Case.worker-state_worker-not_refused",
        "state_worker",
        STATE_WORKER,
        CASE,
        WORKER,
        not_refused("case.worker"),
    ),
    Rule(
        "Case.financials-state_worker-not_refused",
        "state_worker",
        STATE_WORKER,
        CASE,
        FINANCIALS,
        not_refused("case.financials"),
    ),
    Rule(
        "Case.activities-state_worker-not_refused",
        "state_worker",
        STATE_WORKER,
        CASE,
        ACTIVITIES,
        not_refused("case.activities"),
    ),
    Rule(
        "Case.worker-tribal_worker-not_refused",
        "tribal_worker",
        TRIBAL_WORKER,
        CASE,
        WORKER,
        not_refused("case.worker"),
    ),
    Rule(
        "Case.financials-ocss_staff-not_refused",
        "ocss_staff",
        OCSS,
        CASE,
        FINANCIALS,
        not_refused("case.financials"),
    ),
    # employer, employers
    *_for_roles(
        "employer-other", CASEWORKER_ROLES, OTHER_EMPLOYER, ONE_EMPLOYER, full("employer.fein")
    ),
    *_for_roles(
        "employers", CASEWORKER_ROLES, EMPLOYER, EMPLOYERS, present("employers.edges.node.fein")
    ),
    *_for_roles("employer-own", ORGANISATION_ROLES, EMPLOYER, ONE_EMPLOYER, full("employer.fein")),
    *_for_roles(
        "employer-other",
        ORGANISATION_ROLES,
        OTHER_EMPLOYER,
        ONE_EMPLOYER,
        refused("FORBIDDEN", "employer"),
    ),
    *_for_roles(
        "employers",
        ORGANISATION_ROLES,
        EMPLOYER,
        EMPLOYERS,
        only("employers.edges.node.fein"),
    ),
    Rule(
        "node(employer)-employer-own-answered",
        "employer",
        ORGANISATION,
        EMPLOYER,
        NODE_EMPLOYER,
        answered("node.fein"),
    ),
    Rule(
        "node(employer)-employer-other-forbidden",
        "employer",
        ORGANISATION,
        OTHER_EMPLOYER,
        NODE_EMPLOYER,
        refused("FORBIDDEN", "node"),
    ),
    # an unknown FEIN (or id) is answered as another employer's is: no existence oracle
    *_for_roles(
        "employer-unknown",
        ORGANISATION_ROLES + ("international", "auditor"),
        UNKNOWN_EMPLOYER,
        ONE_EMPLOYER,
        refused("FORBIDDEN", "employer"),
    ),
    *_for_roles(
        "node(employer)-unknown",
        ORGANISATION_ROLES,
        UNKNOWN_EMPLOYER,
        NODE_EMPLOYER,
        refused("FORBIDDEN", "node"),
    ),
    *_for_roles(
        "employer-unknown", CASEWORKER_ROLES, UNKNOWN_EMPLOYER, ONE_EMPLOYER, nothing("employer")
    ),
    *_for_roles(
        "employer",
        ("international", "auditor"),
        EMPLOYER,
        ONE_EMPLOYER,
        refused("FORBIDDEN", "employer"),
    ),
    *_for_roles(
        "employers",
        ("international", "auditor"),
        NOTHING,
        EMPLOYERS,
        refused("FORBIDDEN", "employers"),
    ),
    # offsetCertifications
    Rule(
        "offsetCertifications-state_worker-own-present",
        "state_worker",
        STATE_WORKER,
        CERT_OWN,
        CERTIFICATIONS_OF,
        present("offsetCertifications.edges.node.id"),
    ),
    Rule(
        "offsetCertifications-state_worker-other-absent",
        "state_worker",
        STATE_WORKER,
        CERT_OTHER,
        CERTIFICATIONS_OF,
        absent("offsetCertifications.edges.node.id"),
    ),
    Rule(
        "offsetCertifications-ocss_staff-own-state-present",
        "ocss_staff",
        OCSS,
        CERT_OWN,
        CERTIFICATIONS_OF,
        present("offsetCertifications.edges.node.id"),
    ),
    Rule(
        "offsetCertifications-ocss_staff-other-state-present",
        "ocss_staff",
        OCSS,
        CERT_OTHER,
        CERTIFICATIONS_OF,
        present("offsetCertifications.edges.node.id"),
    ),
    *_for_roles(
        "offsetCertifications",
        ("analyst", "tribal_worker", "employer", "international"),
        NOTHING,
        CERTIFICATIONS,
        empty("offsetCertifications.edges"),
    ),
    # Participant.offsetCertifications, filtered the same way
    Rule(
        "Participant.offsetCertifications-state_worker-own-present",
        "state_worker",
        STATE_WORKER,
        CERT_OWN,
        PARTICIPANT_CERTIFICATIONS,
        present("participant.offsetCertifications.id"),
    ),
    Rule(
        "Participant.offsetCertifications-state_worker-other-absent",
        "state_worker",
        STATE_WORKER,
        CERT_OTHER,
        PARTICIPANT_CERTIFICATIONS,
        absent("participant.offsetCertifications.id"),
    ),
    Rule(
        "Participant.offsetCertifications-ocss_staff-own-state-present",
        "ocss_staff",
        OCSS,
        CERT_OWN,
        PARTICIPANT_CERTIFICATIONS,
        present("participant.offsetCertifications.id"),
    ),
    Rule(
        "Participant.offsetCertifications-ocss_staff-other-state-present",
        "ocss_staff",
        OCSS,
        CERT_OTHER,
        PARTICIPANT_CERTIFICATIONS,
        present("participant.offsetCertifications.id"),
    ),
    Rule(
        "Participant.offsetCertifications-analyst-empty",
        "analyst",
        NONE,
        CERT_OWN,
        PARTICIPANT_CERTIFICATIONS,
        empty("participant.offsetCertifications"),
    ),
    Rule(
        "node(certification)-state_worker-own-answered",
        "state_worker",
        STATE_WORKER,
        CERT_OWN,
        NODE_CERTIFICATION,
        answered("node.arrearsAmount"),
    ),
    Rule(
        "node(certification)-state_worker-other-forbidden",
        "state_worker",
        STATE_WORKER,
        CERT_OTHER,
        NODE_CERTIFICATION,
        refused("FORBIDDEN", "node"),
    ),
    Rule(
        "node(certification)-analyst-forbidden",
        "analyst",
        NONE,
        CERT_OWN,
        NODE_CERTIFICATION,
        refused("FORBIDDEN", "node"),
    ),
    # OffsetCertification.taxRefundOffsets (FTI)
    Rule(
        "taxRefundOffsets-submitting-state_worker-fti-full",
        "state_worker",
        REFUND_WORKER_FTI,
        CERT_REFUND,
        REFUNDS,
        full("node.taxRefundOffsets"),
    ),
    Rule(
        "taxRefundOffsets-submitting-state_worker-no-fti-fti_restricted",
        "state_worker",
        REFUND_WORKER,
        CERT_REFUND,
        REFUNDS,
        refused("FTI_RESTRICTED", "node.taxRefundOffsets"),
    ),
    Rule(
        "taxRefundOffsets-ocss_staff-fti-full",
        "ocss_staff",
        OCSS_FTI,
        CERT_REFUND,
        REFUNDS,
        full("node.taxRefundOffsets"),
    ),
    Rule(
        "taxRefundOffsets-ocss_staff-no-fti-fti_restricted",
        "ocss_staff",
        OCSS,
        CERT_REFUND,
        REFUNDS,
        refused("FTI_RESTRICTED", "node.taxRefundOffsets"),
    ),
    Rule(
        "OffsetCertification-other-state_worker-fti-forbidden",
        "state_worker",
        STATE_WORKER_FTI,
        CERT_REFUND,
        REFUNDS,
        refused("FORBIDDEN", "node"),
    ),
    # auditEvents: auditor only (the list may still be empty: only "not refused")
    Rule(
        "auditEvents-auditor-not_refused",
        "auditor",
        AUDITOR,
        NOTHING,
        AUDIT_EVENTS,
        not_refused("auditEvents"),
    ),
    *_for_roles(
        "auditEvents",
        tuple(role for role in ROLES if role != "auditor"),
        NOTHING,
        AUDIT_EVENTS,
        refused("FORBIDDEN", "auditEvents"),
    ),
    # introspection: everyone in development mode (the fixtures' mode)
    *_for_roles(
        "introspection-development",
        ROLES,
        NOTHING,
        INTROSPECTION,
        answered("__schema.queryType.name"),
    ),
]


# finding the rows' records in the seeded data, as ocss_staff with FTI clearance

Finder = Callable[[httpx.AsyncClient, Hub], Awaitable[Found]]
_FOUND: dict[tuple[str, str], Found] = {}
_SEEN: dict[tuple[str, str], Any] = {}

PEOPLE = """
query People($after: String) {
  participants(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id ssn dateOfBirth familyViolence cases { role case { id state { code } } } } }
  }
}
"""
LOCATE = """
query Locate($id: ID!) {
  participant(id: $id) { addresses { source } employment { hireDate } wages { year } }
}
"""
ALL_CERTIFICATIONS = """
query Certifications($after: String) {
  offsetCertifications(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id submittingState { code } participant { id } taxRefundOffsets { taxYear } } }
  }
}
"""
ADULT_ROLES = ("NONCUSTODIAL_PARENT", "PUTATIVE_FATHER", "CUSTODIAL_PARTY")


async def _post(
    http: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict[str, object]
) -> dict[str, Any]:
    used = {name: value for name, value in variables.items() if re.search(rf"\${name}\b", query)}
    response = await http.post(
        "/graphql", json={"query": query, "variables": used}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _as_ocss(
    http: httpx.AsyncClient, hub: Hub, query: str, variables: dict[str, object] | None = None
) -> dict[str, Any]:
    body = await _post(http, hub.headers("ocss_staff", **OCSS_FTI), query, variables or {})
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def _pages(http: httpx.AsyncClient, hub: Hub, query: str, root: str) -> list[Any]:
    """Every node of a connection, cached per backend."""
    cached = _SEEN.get((hub.backend, query))
    if cached is None:
        nodes: list[Any] = []
        after = None
        while True:
            page = (await _as_ocss(http, hub, query, {"after": after}))[root]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        cached = _SEEN[(hub.backend, query)] = nodes
    result: list[Any] = cached
    return result


def _codes(person: dict[str, Any]) -> set[str]:
    return {role["case"]["state"]["code"] for role in person["cases"]}


def _is_adult(person: dict[str, Any]) -> bool:
    return any(role["role"] in ADULT_ROLES for role in person["cases"])


def _participant(person: dict[str, Any]) -> Found:
    variables = {"id": person["id"], "ssn": person["ssn"], "dob": person["dateOfBirth"]}
    return Found(variables, person["id"])


async def _first_located(
    http: httpx.AsyncClient, hub: Hub, people: list[dict[str, Any]], wanted: str, *, rich: bool
) -> Found:
    """The first of `people` with addresses (rich: IRS and others, employment and wages)."""
    for person in people:
        found = (await _as_ocss(http, hub, LOCATE, {"id": person["id"]}))["participant"]
        sources = {address["source"] for address in found["addresses"]}
        if not sources:
            continue
        if rich and not ({"IRS", "STATE"} <= sources and found["employment"] and found["wages"]):
            continue
        return _participant(person)
    raise AssertionError(f"the seeded data holds no {wanted}")


async def _find_nothing(http: httpx.AsyncClient, hub: Hub) -> Found:
    return Found()


async def _find_own(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    candidates = [
        p
        for p in people
        if STATE in _codes(p)
        and TRIBE not in _codes(p)
        and not p["familyViolence"]
        and _is_adult(p)
    ]
    return await _first_located(http, hub, candidates, OWN, rich=True)


async def _find_other(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    return _participant(
        next(
            p
            for p in people
            if not {STATE, TRIBE} & _codes(p) and not p["familyViolence"] and _is_adult(p)
        )
    )


async def _find_tribal(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    candidates = [
        p
        for p in people
        if TRIBE in _codes(p)
        and STATE not in _codes(p)
        and not p["familyViolence"]
        and _is_adult(p)
    ]
    return await _first_located(http, hub, candidates, TRIBAL, rich=False)


async def _find_fvi(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    return _participant(
        next(p for p in people if p["familyViolence"] and {STATE, "48"} <= _codes(p))
    )


async def _find_case(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    case_id = next(
        role["case"]["id"]
        for p in people
        for role in p["cases"]
        if role["case"]["state"]["code"] == STATE
    )
    return Found({"id": case_id}, case_id)


async def _certifications_of_a_shared_participant(
    http: httpx.AsyncClient, hub: Hub
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A certification by STATE and one by another state, of the same participant."""
    certs = await _pages(http, hub, ALL_CERTIFICATIONS, "offsetCertifications")
    for own in certs:
        if own["submittingState"]["code"] != STATE:
            continue
        for other in certs:
            same = other["participant"]["id"] == own["participant"]["id"]
            if same and other["submittingState"]["code"] != STATE:
                return own, other
    raise AssertionError(f"the seeded data holds no {CERT_OWN} and {CERT_OTHER}")


def _certification(cert: dict[str, Any]) -> Found:
    return Found({"id": cert["id"], "pid": cert["participant"]["id"]}, cert["id"])


async def _find_cert_own(http: httpx.AsyncClient, hub: Hub) -> Found:
    return _certification((await _certifications_of_a_shared_participant(http, hub))[0])


async def _find_cert_other(http: httpx.AsyncClient, hub: Hub) -> Found:
    return _certification((await _certifications_of_a_shared_participant(http, hub))[1])


async def _find_cert_refund(http: httpx.AsyncClient, hub: Hub) -> Found:
    certs = await _pages(http, hub, ALL_CERTIFICATIONS, "offsetCertifications")
    return _certification(
        next(
            c
            for c in certs
            if c["submittingState"]["code"] == REFUND_STATE and c["taxRefundOffsets"]
        )
    )


async def _employer(http: httpx.AsyncClient, hub: Hub, fein: str) -> Found:
    query = "query($fein: String!) { employer(fein: $fein) { id } }"
    node = (await _as_ocss(http, hub, query, {"fein": fein}))["employer"]["id"]
    return Found({"fein": fein, "node": node}, fein)


async def _find_employer(http: httpx.AsyncClient, hub: Hub) -> Found:
    return await _employer(http, hub, OWN_FEIN)


async def _find_other_employer(http: httpx.AsyncClient, hub: Hub) -> Found:
    employers = (await _as_ocss(http, hub, EMPLOYERS))["employers"]["edges"]
    fein = next(e["node"]["fein"] for e in employers if e["node"]["fein"] != OWN_FEIN)
    return await _employer(http, hub, fein)


async def _find_unknown_employer(http: httpx.AsyncClient, hub: Hub) -> Found:
    fein = "99-9999998"
    query = "query($fein: String!) { employer(fein: $fein) { id } }"
    assert (await _as_ocss(http, hub, query, {"fein": fein}))["employer"] is None
    node = base64.urlsafe_b64encode(b"Employer:999999").decode().rstrip("=")
    return Found({"fein": fein, "node": node}, fein)


async def _find_misidentified(http: httpx.AsyncClient, hub: Hub) -> Found:
    people = await _pages(http, hub, PEOPLE, "participants")
    for person in people:
        if MISIDENTIFYING_STATE not in _codes(person) or STATE in _codes(person):
            continue
        found = await _as_ocss(http, hub, MISIDENTIFIED_SSNS, {"id": person["id"]})
        if found["participant"]["misidentifiedSsns"]:
            return _participant(person)
    raise AssertionError(f"the seeded data holds no {MISIDENTIFIED}")


FINDERS: dict[str, Finder] = {
    NOTHING: _find_nothing,
    OWN: _find_own,
    OTHER: _find_other,
    TRIBAL: _find_tribal,
    FVI: _find_fvi,
    CASE: _find_case,
    CERT_OWN: _find_cert_own,
    CERT_OTHER: _find_cert_other,
    CERT_REFUND: _find_cert_refund,
    EMPLOYER: _find_employer,
    OTHER_EMPLOYER: _find_other_employer,
    UNKNOWN_EMPLOYER: _find_unknown_employer,
    MISIDENTIFIED: _find_misidentified,
}


async def find(http: httpx.AsyncClient, hub: Hub, target: str) -> Found:
    """The record a row reads, found once per backend."""
    key = (hub.backend, target)
    if key not in _FOUND:
        _FOUND[key] = await FINDERS[target](http, hub)
    return _FOUND[key]


async def _reference(http: httpx.AsyncClient, hub: Hub, query: str, found: Found) -> Any:
    """What ocss_staff with FTI clearance reads for the same query (the full value)."""
    key = (hub.backend, query + json.dumps(found.variables, sort_keys=True))
    if key not in _SEEN:
        _SEEN[key] = await _as_ocss(http, hub, query, found.variables)
    return _SEEN[key]


# checking a row's answer


def _at(data: Any, path: str) -> Any:
    """The value at a dotted path; through lists, the flattened values; None past a null."""
    value = data
    for segment in path.split("."):
        if value is None:
            return None
        if isinstance(value, list):
            value = [item[segment] for item in value]
            if value and all(isinstance(item, list) for item in value):
                value = [inner for item in value for inner in item]
        else:
            value = value[segment]
    return value


def _refusals(body: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    return [
        (error["extensions"]["code"], error.get("path"))
        for error in body.get("errors", [])
        if error["extensions"]["code"] in REFUSAL_CODES
    ]


def _check(rule: Rule, found: Found, body: dict[str, Any], reference: Any) -> None:
    expect = rule.expect
    data = body.get("data")
    errors = body.get("errors", [])
    value = _at(data, expect.path)
    key = expect.key or found.key
    if expect.kind == "refused":
        assert value is None, f"{expect}: got {value!r}"
        codes = [(error["extensions"]["code"], error.get("path")) for error in errors]
        assert codes == [(expect.code, expect.path.split("."))], codes
        return
    if expect.kind == "not_refused":
        assert not _refusals(body), _refusals(body)
        assert data is not None
        assert data[expect.path.split(".")[0]] is not None
        return
    assert not errors, errors
    if expect.kind == "full":
        assert value not in (None, [], ""), f"{expect}: got {value!r}"
        assert not str(value).startswith("***")
        assert value == _at(reference, expect.path)
    elif expect.kind == "masked":
        full_value = _at(reference, expect.path)
        ssns = full_value if isinstance(full_value, list) else [full_value]
        assert ssns
        assert all(re.fullmatch(r"\d{3}-\d{2}-\d{4}", ssn) for ssn in ssns), ssns
        masks = [f"***-**-{ssn[-4:]}" for ssn in ssns]
        assert value == (masks if isinstance(full_value, list) else masks[0])
    elif expect.kind == "answered":
        assert value is not None
    elif expect.kind == "present":
        assert key in value, f"{key} missing from {value}"
    elif expect.kind == "absent":
        assert isinstance(value, list)
        assert key not in value, f"{key} in {value}"
    elif expect.kind == "only":
        assert value == [key]
    elif expect.kind == "empty":
        assert value == []
    elif expect.kind == "nothing":
        assert value is None
    elif expect.kind == "unseen":
        assert value == {"totalCount": 0, "edges": []}, value
    else:
        raise AssertionError(f"unknown expectation {expect.kind}")


@pytest.mark.parametrize("rule", [pytest.param(rule, id=rule.name) for rule in RULES])
async def test_access_contract_holds_for_each_rule(http: httpx.AsyncClient, hub: Hub, rule: Rule):
    # given the row's record in the seeded data, and a token of the row's role and claims
    found = await find(http, hub, rule.target)
    headers = hub.headers(rule.role, **rule.claims)
    reference = None
    if rule.expect.kind in ("full", "masked"):
        reference = await _reference(http, hub, rule.query, found)
    # when the row's query is asked over HTTP
    body = await _post(http, headers, rule.query, found.variables)
    # then the answer is what the contract says
    _check(rule, found, body, reference)


def test_access_contract_rows_have_unique_names_and_known_roles():
    # given the table
    names = [rule.name for rule in RULES]
    # then every row is named once, for a known role and a known target
    assert len(names) == len(set(names))
    assert {rule.role for rule in RULES} == set(ROLES)
    assert {rule.target for rule in RULES} <= set(FINDERS)


async def test_access_contract_rest_of_answer_stands_when_a_field_is_refused(
    http: httpx.AsyncClient, hub: Hub
):
    # given a state worker and a participant of another state
    other = await find(http, hub, OTHER)
    headers = hub.headers("state_worker", **STATE_WORKER)
    query = "query($id: ID!) { participant(id: $id) { id firstName lastName ssn dateOfBirth } }"
    # when the participant is read with a masked and a refused field together
    response = await http.post(
        "/graphql", json={"query": query, "variables": {"id": other.key}}, headers=headers
    )
    # then the answer is 200 with every other field, the SSN masked, and one error
    assert response.status_code == 200
    body = response.json()
    person = body["data"]["participant"]
    assert person["id"] == other.key
    assert person["firstName"]
    assert person["lastName"]
    assert re.fullmatch(r"\*\*\*-\*\*-\d{4}", person["ssn"])
    assert person["dateOfBirth"] is None
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("FORBIDDEN", ["participant", "dateOfBirth"])
    ]


async def test_a_date_of_birth_search_counts_and_lists_only_own_participants(
    http: httpx.AsyncClient, hub: Hub
):
    # given the date of birth of a participant of another state, and everyone born that day
    other = await find(http, hub, OTHER)
    everyone = (await _as_ocss(http, hub, SEARCH_DOB_HOLDERS, {"dob": other.variables["dob"]}))[
        "participants"
    ]
    own = {
        edge["node"]["id"]
        for edge in everyone["edges"]
        if STATE in {role["case"]["state"]["code"] for role in edge["node"]["cases"]}
    }
    # when a state worker searches by that date
    body = await _post(
        http,
        hub.headers("state_worker", **STATE_WORKER),
        SEARCH_DOB,
        {"dob": other.variables["dob"]},
    )
    # then the list and its count hold exactly the own participants born that day
    assert "errors" not in body, body["errors"]
    answer = body["data"]["participants"]
    assert {edge["node"]["id"] for edge in answer["edges"]} == own
    assert answer["totalCount"] == len(own)
    assert other.key not in own


SEARCH_DOB_HOLDERS = (
    "query($dob: Date) { participants(dateOfBirth: $dob, first: 100)"
    " { totalCount edges { node { id cases { case { state { code } } } } } } }"
)


@pytest.mark.parametrize("role", ORGANISATION_ROLES)
async def test_an_unknown_fein_and_another_employers_fein_get_the_same_answer(
    http: httpx.AsyncClient, hub: Hub, role: str
):
    # given another employer's FEIN and id, and a FEIN and id no employer has
    other = await find(http, hub, OTHER_EMPLOYER)
    unknown = await find(http, hub, UNKNOWN_EMPLOYER)
    headers = hub.headers(role, **ORGANISATION)
    # when an organisation asks for each, by FEIN and by id
    answers = {}
    for name, found in (("other", other), ("unknown", unknown)):
        by_fein = await _post(http, headers, ONE_EMPLOYER, found.variables)
        by_node = await _post(http, headers, NODE_EMPLOYER, found.variables)
        answers[name] = (by_fein, by_node)
    # then the answers are the same, byte for byte
    assert answers["other"] == answers["unknown"]
    assert answers["other"][0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
