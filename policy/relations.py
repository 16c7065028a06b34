"""How a viewer stands to a record, computed from facts the loaders brought.

Each protected object carries its facts (who holds the participant's cases, which
state submitted a certification, whose FEIN an employer has); these functions turn
facts and the viewer into the relation that policy lines name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policy.tokens import Viewer
from policy.vocabulary import Relation


@dataclass(frozen=True)
class RecordFacts:
    """Only which record it is (for objects whose access depends on the role alone)."""

    record_id: str


@dataclass(frozen=True)
class ParticipantFacts:
    record_id: str
    jurisdictions: frozenset[str]
    family_violence: bool


@dataclass(frozen=True)
class CertificationFacts:
    record_id: str
    submitting_state: str


@dataclass(frozen=True)
class EmployerFacts:
    record_id: str
    fein: str


@dataclass(frozen=True)
class NoticeFacts:
    """Who reported a termination notice, which jurisdictions it notified, and about whom."""

    record_id: str
    employer_fein: str
    states: frozenset[str]
    participant: ParticipantFacts | None = None
    """The matched participant, as the FCR holds them now; None when the employee matched none."""


@dataclass(frozen=True)
class PaymentFacts:
    """A QUICK payment row: FTI when its source is the federal tax refund offset."""

    record_id: str
    fti: bool


@dataclass(frozen=True)
class AddressFacts:
    record_id: str
    from_irs: bool


@dataclass(frozen=True)
class DocumentFacts:
    record_id: str
    sender: str
    recipient: str
    contains_fti: bool


RelationOf = Callable[[object, Viewer], Relation]


def any_relation(_facts: object, _viewer: Viewer) -> Relation:
    return Relation.ANY


def participant_relation(facts: object, viewer: Viewer) -> Relation:
    """OWN when the participant is on a case the viewer's jurisdiction holds."""
    if isinstance(facts, ParticipantFacts) and viewer.jurisdiction in facts.jurisdictions:
        return Relation.OWN
    return Relation.OTHER


def locate_relation(facts: object, viewer: Viewer) -> Relation:
    """FVI before anything else: nobody gets an FVI participant's locate information."""
    if not isinstance(facts, ParticipantFacts) or facts.family_violence:
        return Relation.FVI
    return participant_relation(facts, viewer)


def submitting_relation(facts: object, viewer: Viewer) -> Relation:
    if isinstance(facts, CertificationFacts) and facts.submitting_state == viewer.jurisdiction:
        return Relation.SUBMITTING
    return Relation.OTHER


def employer_relation(facts: object, viewer: Viewer) -> Relation:
    if isinstance(facts, EmployerFacts) and viewer.fein is not None and facts.fein == viewer.fein:
        return Relation.OWN_FEIN
    return Relation.OTHER


def document_relation(facts: object, viewer: Viewer) -> Relation:
    """PARTY when the viewer's jurisdiction is the document's sender or recipient."""
    if (
        isinstance(facts, DocumentFacts)
        and viewer.jurisdiction is not None
        and viewer.jurisdiction in (facts.sender, facts.recipient)
    ):
        return Relation.PARTY
    return Relation.OTHER


def notice_relation(facts: object, viewer: Viewer) -> Relation:
    """REPORTER for the organisation that reported it, NOTIFIED for a notified jurisdiction."""
    if not isinstance(facts, NoticeFacts):
        return Relation.OTHER
    if viewer.fein is not None and facts.employer_fein == viewer.fein:
        return Relation.REPORTER
    if viewer.jurisdiction is not None and viewer.jurisdiction in facts.states:
        return Relation.NOTIFIED
    return Relation.OTHER


def notice_locate_relation(facts: object, viewer: Viewer) -> Relation:
    """Locate information in a notice: the reporter's own submission, else the participant's.

    The organisation that reported the notice is REPORTER whatever the participant's facts:
    it sent the address and new employer itself, and an FVI answer would tell it that its
    employee is a protected FCR participant (which `participant`, FORBIDDEN to it, withholds).
    Everyone else stands to it as to the matched participant's locate information; a notice
    that matched nobody is OTHER (no FCR participant, so no holder of their cases).
    """
    if not isinstance(facts, NoticeFacts):
        return Relation.FVI
    if viewer.fein is not None and facts.employer_fein == viewer.fein:
        return Relation.REPORTER
    if facts.participant is None:
        return Relation.OTHER
    return locate_relation(facts.participant, viewer)
