"""The differential's comparison itself: it sees every kind of difference, and shows no SSN."""

from __future__ import annotations

from collections import Counter

from tests.plans.paths import Answer, EventKey, Exchange, Request
from tests.plans.redaction import body_diff, redacted

EVENT: EventKey = ("One", "read", "Participant.ssn", "7", "masked", "analyst", "s", None, None)
BODY = b'{"data":{"participant":{"ssn":"***-**-6789","dateOfBirth":null}}}'


def _answer(
    status: int = 200,
    content_type: str = "application/json",
    body: bytes = BODY,
    events: Counter[EventKey] | None = None,
) -> Answer:
    return Answer(status, content_type, body, Counter({EVENT: 1}) if events is None else events)


def _exchange(second: Answer, first: Answer | None = None) -> Exchange:
    request = Request("row", "s", {}, {"query": "{ viewer { role } }"})
    return Exchange(request, first or _answer(), second, _answer(), {"served": 1, "fallback": 0})


def test_equal_answers_have_no_difference():
    assert _exchange(_answer()).differences() == []


def test_each_kind_of_difference_is_named():
    # given a second send differing from the standard answer in each way
    cases = {
        "status": _answer(status=400),
        "content-type": _answer(content_type="application/graphql-response+json"),
        "body bytes": _answer(body=BODY.replace(b'"dateOfBirth":null', b'"dateOfBirth":"x"')),
        "audit events": _answer(events=Counter({EVENT: 2})),
    }
    for kind, second in cases.items():
        # when compared
        differences = _exchange(second).differences()
        # then exactly that difference is reported, for the plan-served send
        assert len(differences) == 1, (kind, differences)
        assert kind in differences[0]
        assert "second (plan)" in differences[0]


def test_the_first_send_is_compared_unless_told_not_to():
    exchange = _exchange(_answer(), first=_answer(status=500))
    assert len(exchange.differences()) == 1
    assert exchange.differences(with_first=False) == []


def test_a_body_difference_is_shown_without_ssns_or_dates():
    # given bodies differing in a full SSN and a date of birth
    standard = b'{"data":{"p":{"ssn":"***-**-6789","dateOfBirth":null}}}'
    compiled = b'{"data":{"p":{"ssn":"912-34-6789","dateOfBirth":"1980-02-03","id":"123456789"}}}'
    # when diffed
    shown = body_diff(standard, compiled, labels=("standard", "plan"))
    # then the diff shows where they differ, and neither value
    assert "dateOfBirth" in shown
    assert "912-34-6789" not in shown
    assert "1980-02-03" not in shown
    assert "123456789" not in shown
    assert "<ssn>" in shown
    assert "<date>" in shown


def test_bodies_differing_only_in_a_hidden_value_say_so():
    shown = body_diff(b'{"ssn":"912-34-6789"}', b'{"ssn":"913-34-6789"}', labels=("a", "b"))
    assert "only inside redacted values" in shown


def test_redaction_keeps_masked_ssns_and_other_numbers():
    assert redacted("***-**-6789 912-34-6789 12345 2024-01-31") == "***-**-6789 <ssn> 12345 <date>"


def test_the_plan_layers_outcome_of_the_second_send():
    def outcome(served: int, fallback: int) -> str | None:
        request = Request("row", "s", {}, {})
        stats = {"compiled": 0, "served": served, "fallback": fallback}
        return Exchange(request, _answer(), _answer(), _answer(), stats).outcome

    assert outcome(1, 0) == "served"
    assert outcome(0, 1) == "fallback"
    assert outcome(0, 0) == "unplanned"
    assert outcome(1, 1) == "miscounted"
    assert Exchange(Request("row", "s", {}), _answer(), _answer(), _answer(), None).outcome is None
