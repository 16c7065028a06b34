"""resolvers/facts.py: each record type gives its facts, and each facts the relation policy names.

Unit tests over synthetic records (SSN area 900-999): no database, no schema. The record
ids in the facts are the global ids the audit trail names, whichever path read the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from datasources.addresses import AddressRecord
from datasources.documents import DocumentRecord
from datasources.fcr import CaseRecord, MisidentifiedSsnRecord, ParticipantRecord
from datasources.ndnh import EmployerRecord
from datasources.notices import TerminationNoticeRecord
from datasources.offsets import OffsetCertificationRecord
from datasources.state_systems import PaymentRecord
from policy.relations import (
    document_relation,
    employer_relation,
    locate_relation,
    notice_locate_relation,
    notice_relation,
    participant_relation,
    submitting_relation,
)
from policy.tokens import Viewer
from policy.vocabulary import Relation
from resolvers import facts
from resolvers.ids import encode_global_id

SSN = "900-12-3456"
EMPLOYER_FEIN = "90-0000001"


def _viewer(
    role: str = "state_worker", *, jurisdiction: str | None = None, fein: str | None = None
) -> Viewer:
    return Viewer(f"test-{role}", role, jurisdiction, fein, False, expires_at=2**40)


CALIFORNIA = _viewer(jurisdiction="06")
TEXAS = _viewer(jurisdiction="48")
REPORTER = _viewer("employer", fein=EMPLOYER_FEIN)
OTHER_EMPLOYER = _viewer("employer", fein="90-0000002")


def _participant(*, family_violence: bool = False, id: int = 7) -> ParticipantRecord:
    return ParticipantRecord(
        id=id,
        ssn=SSN,
        ssn_verification="VERIFIED",
        first_name="Ada",
        last_name="Testperson",
        date_of_birth=date(1980, 1, 2),
        date_of_death=None,
        sex="FEMALE",
        family_violence=family_violence,
    )


def _notice(participant_id: int | None = 7) -> TerminationNoticeRecord:
    return TerminationNoticeRecord(
        id=3,
        employer_id=11,
        employer_fein=EMPLOYER_FEIN,
        participant_id=participant_id,
        employee_name="Ada Testperson",
        terminated_on=date(2026, 11, 2),
        never_employed=False,
        last_known_address=None,
        new_employer_name=None,
        reported_at=datetime(2026, 11, 3, tzinfo=UTC),
        states=("48", "06"),
    )


def test_participant_facts_name_its_global_id_case_holders_and_fvi_flag():
    found = facts.participant_facts(_participant(family_violence=True), frozenset({"06"}))
    assert found.record_id == encode_global_id("Participant", 7)
    assert found.jurisdictions == frozenset({"06"})
    assert found.family_violence is True


def test_participant_is_own_to_a_jurisdiction_holding_its_case_only():
    found = facts.participant_facts(_participant(), frozenset({"06"}))
    assert participant_relation(found, CALIFORNIA) is Relation.OWN
    assert participant_relation(found, TEXAS) is Relation.OTHER
    assert locate_relation(found, CALIFORNIA) is Relation.OWN


def test_an_fvi_participants_locate_information_is_fvi_even_to_its_holder():
    found = facts.participant_facts(_participant(family_violence=True), frozenset({"06"}))
    assert locate_relation(found, CALIFORNIA) is Relation.FVI


def test_a_matched_participant_gone_from_the_fcr_fails_closed_as_fvi():
    gone = facts.matched_participant_facts(7, None, frozenset({"06"}))
    assert gone.record_id == encode_global_id("Participant", 7)
    assert gone.family_violence is True
    assert locate_relation(gone, CALIFORNIA) is Relation.FVI


def test_a_misidentified_ssn_report_is_decided_as_its_participant_and_audited_as_itself():
    owner = facts.participant_facts(_participant(), frozenset({"06"}))
    report = MisidentifiedSsnRecord(
        id=5, participant_id=7, ssn="900-99-0001", reported_by="06", reported_on=date(2026, 1, 1)
    )
    found = facts.misidentified_facts(report, owner)
    assert found.record_id == (
        f"{encode_global_id('Participant', 7)}/{encode_global_id('MisidentifiedSsn', 5)}"
    )
    assert found.record_id == facts.report_record_id(report)
    assert participant_relation(found, CALIFORNIA) is Relation.OWN
    assert participant_relation(found, TEXAS) is Relation.OTHER


def test_case_facts_name_only_the_case():
    case = CaseRecord(
        id=9,
        jurisdiction="06",
        state_case_id="CA-1",
        case_type="IV_D",
        status="OPEN",
        has_order=True,
        opened_on=date(2020, 1, 1),
    )
    assert facts.case_facts(case).record_id == encode_global_id("Case", 9)


def test_certification_is_submitting_to_the_state_that_submitted_it_only():
    record = OffsetCertificationRecord(
        id=4,
        ssn=SSN,
        submitting_state="06",
        case_type="TANF",
        arrears_amount=Decimal("3000.00"),
        certified_on=date(2025, 1, 1),
        passport_status="DENIED",
    )
    found = facts.certification_facts(record)
    assert found.record_id == encode_global_id("OffsetCertification", 4)
    assert submitting_relation(found, CALIFORNIA) is Relation.SUBMITTING
    assert submitting_relation(found, TEXAS) is Relation.OTHER


def test_employer_is_own_fein_to_its_own_organisation_only():
    record = EmployerRecord(
        id=11,
        fein=EMPLOYER_FEIN,
        name="Test Works",
        state="CA",
        provides_medical_insurance=None,
        e_iwo_participant=True,
        debt_inquiry_participant=False,
    )
    found = facts.employer_facts(record)
    assert found.record_id == encode_global_id("Employer", 11)
    assert employer_relation(found, REPORTER) is Relation.OWN_FEIN
    assert employer_relation(found, OTHER_EMPLOYER) is Relation.OTHER
    assert employer_relation(found, CALIFORNIA) is Relation.OTHER


def test_document_is_party_to_its_sender_and_recipient_and_says_whether_it_is_fti():
    record = DocumentRecord(
        id=2,
        case_id=None,
        form_type="GENERAL_TESTIMONY",
        title="t",
        sender="06",
        recipient="36",
        status="SENT",
        contains_fti=True,
        size_bytes=1,
        sha256=None,
        blob_key=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        request_id=None,
    )
    found = facts.document_facts(record)
    assert found.record_id == encode_global_id("Document", 2)
    assert found.contains_fti is True
    assert document_relation(found, CALIFORNIA) is Relation.PARTY
    assert document_relation(found, _viewer(jurisdiction="36")) is Relation.PARTY
    assert document_relation(found, TEXAS) is Relation.OTHER


def test_an_address_is_fti_when_the_irs_reported_it_and_audited_as_its_participant():
    owner = facts.participant_facts(_participant(), frozenset({"06"}))
    irs = AddressRecord("1 Main St", None, "Sacramento", "CA", "95814", source="IRS")
    state = AddressRecord("1 Main St", None, "Sacramento", "CA", "95814", source="STATE")
    assert facts.address_facts(irs, owner).from_irs is True
    assert facts.address_facts(state, owner).from_irs is False
    assert facts.address_facts(irs, owner).record_id == owner.record_id


def test_a_payment_is_fti_when_a_tax_refund_offset_paid_it_and_audited_as_its_case():
    case = facts.case_facts(
        CaseRecord(9, "06", "CA-1", "IV_D", "OPEN", has_order=True, opened_on=date(2020, 1, 1))
    )
    offset = PaymentRecord(date(2026, 1, 1), Decimal("10.00"), "TAX_REFUND_OFFSET")
    wages = PaymentRecord(date(2026, 1, 1), Decimal("10.00"), "INCOME_WITHHOLDING")
    assert facts.payment_facts(offset, case).fti is True
    assert facts.payment_facts(wages, case).fti is False
    assert facts.payment_facts(offset, case).record_id == encode_global_id("Case", 9)


def test_a_notice_is_reporter_to_its_employer_and_notified_to_the_states_it_names():
    found = facts.notice_facts(_notice())
    assert found.record_id == encode_global_id("TerminationNotice", 3)
    assert found.states == frozenset({"06", "48"})
    assert notice_relation(found, REPORTER) is Relation.REPORTER
    assert notice_relation(found, CALIFORNIA) is Relation.NOTIFIED
    assert notice_relation(found, _viewer(jurisdiction="36")) is Relation.OTHER
    assert notice_relation(found, OTHER_EMPLOYER) is Relation.OTHER


def test_a_notices_locate_information_follows_its_matched_participant():
    protected = facts.participant_facts(_participant(family_violence=True), frozenset({"06"}))
    found = facts.notice_facts(_notice(), protected)
    assert notice_locate_relation(found, REPORTER) is Relation.REPORTER
    assert notice_locate_relation(found, CALIFORNIA) is Relation.FVI
    unmatched = facts.notice_facts(_notice(participant_id=None))
    assert notice_locate_relation(unmatched, CALIFORNIA) is Relation.OTHER


@dataclass
class _Loader:
    """A loader over a dict, recording what was cleared."""

    values: dict[int, Any]
    cleared: list[int] = field(default_factory=list)

    async def load_many(self, keys: list[int]) -> list[Any]:
        return [self.values.get(key) for key in keys]

    def clear(self, key: int) -> None:
        self.cleared.append(key)


@dataclass
class _Loaders:
    participant_by_id: _Loader
    jurisdictions_by_participant_id: _Loader


@dataclass
class _Context:
    loaders: _Loaders


@dataclass
class _Info:
    context: _Context


def _info(people: dict[int, Any], holders: dict[int, Any]) -> Any:
    return _Info(_Context(_Loaders(_Loader(people), _Loader(holders))))


async def test_notice_facts_carry_each_matched_participants_current_facts():
    info = _info({7: _participant(family_violence=True)}, {7: frozenset({"06"})})
    matched, unmatched = await facts.load_notice_facts(
        info, [_notice(), _notice(participant_id=None)]
    )
    assert matched.participant == facts.participant_facts(
        _participant(family_violence=True), frozenset({"06"})
    )
    assert unmatched.participant is None


async def test_fresh_notice_facts_forget_what_the_loaders_remember_of_the_participant():
    info = _info({}, {7: frozenset()})
    (found,) = await facts.load_notice_facts(info, [_notice()], fresh=True)
    loaders = cast("_Loaders", info.context.loaders)
    assert loaders.participant_by_id.cleared == [7]
    assert loaders.jurisdictions_by_participant_id.cleared == [7]
    # the participant is gone from the FCR: protected
    assert found.participant is not None
    assert found.participant.family_violence is True


async def test_participant_facts_are_loaded_in_one_batch():
    info = _info({}, {7: frozenset({"06"}), 8: frozenset()})
    first, second = await facts.load_participant_facts(
        info, [_participant(id=7), _participant(id=8)]
    )
    assert first.jurisdictions == frozenset({"06"})
    assert second.jurisdictions == frozenset()
