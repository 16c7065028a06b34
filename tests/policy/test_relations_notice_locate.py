"""A termination notice's locate fields, decided as the matched participant's locate information."""

from __future__ import annotations

import pytest

from policy.enforcer import PolicyDecider
from policy.registry import FIELD_RULES
from policy.relations import NoticeFacts, ParticipantFacts, notice_locate_relation
from policy.tokens import Viewer
from policy.vocabulary import Action, Outcome, Relation, Resource

REPORTER_FEIN = "90-0000001"
ORDINARY = ParticipantFacts("UGFydGljaXBhbnQ6MQ", frozenset({"06", "48"}), family_violence=False)
PROTECTED = ParticipantFacts("UGFydGljaXBhbnQ6Mg", frozenset({"06"}), family_violence=True)


def _notice(participant: ParticipantFacts | None, states: set[str]) -> NoticeFacts:
    return NoticeFacts("VGVybWluYXRpb25Ob3RpY2U6MQ", REPORTER_FEIN, frozenset(states), participant)


def _viewer(role: str, jurisdiction: str | None = None, fein: str | None = None) -> Viewer:
    return Viewer(
        subject="s", role=role, jurisdiction=jurisdiction, fein=fein, fti=False, expires_at=0
    )


ROWS = [
    # the reporting employer sees what it sent, FVI or not: no FVI answer tells it anything
    ("reporter-ordinary", _viewer("employer", fein=REPORTER_FEIN), ORDINARY, "allow"),
    ("reporter-fvi", _viewer("employer", fein=REPORTER_FEIN), PROTECTED, "allow"),
    ("reporter-no-match", _viewer("employer", fein=REPORTER_FEIN), None, "allow"),
    ("other-employer", _viewer("employer", fein="90-0000002"), ORDINARY, "FORBIDDEN"),
    ("insurer-same-fein", _viewer("insurer", fein=REPORTER_FEIN), ORDINARY, "FORBIDDEN"),
    # caseworkers: own participant in full, FVI never, another state's participant FORBIDDEN
    ("holder-ordinary", _viewer("state_worker", "48"), ORDINARY, "allow"),
    ("holder-fvi", _viewer("state_worker", "06"), PROTECTED, "FVI_PROTECTED"),
    ("not-holder", _viewer("state_worker", "36"), ORDINARY, "FORBIDDEN"),
    ("not-holder-fvi", _viewer("state_worker", "36"), PROTECTED, "FVI_PROTECTED"),
    ("tribal-not-holder", _viewer("tribal_worker", "T0001"), ORDINARY, "FORBIDDEN"),
    # OCSS: everything but FVI; a notice that matched nobody is locate of no FCR participant
    ("ocss-ordinary", _viewer("ocss_staff", "FED"), ORDINARY, "allow"),
    ("ocss-fvi", _viewer("ocss_staff", "FED"), PROTECTED, "FVI_PROTECTED"),
    ("ocss-no-match", _viewer("ocss_staff", "FED"), None, "allow"),
    # an OCSS token that also carries the reporter's FEIN gains nothing by it
    (
        "ocss-with-reporter-fein",
        _viewer("ocss_staff", "FED", REPORTER_FEIN),
        PROTECTED,
        "FORBIDDEN",
    ),
    ("analyst", _viewer("analyst"), ORDINARY, "FORBIDDEN"),
    ("analyst-fvi", _viewer("analyst"), PROTECTED, "FVI_PROTECTED"),
    ("auditor", _viewer("auditor", "FED"), ORDINARY, "FORBIDDEN"),
]


@pytest.fixture(scope="module")
def decider() -> PolicyDecider:
    return PolicyDecider()


@pytest.mark.parametrize(
    ("viewer", "participant", "expect"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_notice_locate_decision(
    decider: PolicyDecider, viewer: Viewer, participant: ParticipantFacts | None, expect: str
):
    # given a notice about the participant, as the notice's locate fields decide it
    facts = _notice(participant, {"06"})
    (rule,) = FIELD_RULES["TerminationNotice.lastKnownAddress"]
    assert FIELD_RULES["TerminationNotice.newEmployerName"] == (rule,)
    # when the policy decides for the viewer
    decision = decider.decide(
        viewer.role, viewer.fti, rule.relation(facts, viewer), rule.resource, Action.READ
    )
    # then it is the participant's locate rule (and the reporter's own submission)
    got = "allow" if decision.outcome is Outcome.ALLOW else decision.code
    assert got == expect


def test_notice_locate_relation_of_the_reporter_comes_before_fvi():
    viewer = _viewer("employer", fein=REPORTER_FEIN)
    assert notice_locate_relation(_notice(PROTECTED, set()), viewer) is Relation.REPORTER
    assert notice_locate_relation(object(), viewer) is Relation.FVI


def test_participant_locate_is_unchanged_for_ocss():
    # the split of OCSS's line (own, other) keeps its participant locate reads
    decider = PolicyDecider()
    for relation in (Relation.OWN, Relation.OTHER):
        decision = decider.decide(
            "ocss_staff", False, relation, Resource.PARTICIPANT_LOCATE, Action.READ
        )
        assert decision.outcome is Outcome.ALLOW
    fvi = decider.decide("ocss_staff", True, Relation.FVI, Resource.PARTICIPANT_LOCATE, Action.READ)
    assert fvi.code == "FVI_PROTECTED"
