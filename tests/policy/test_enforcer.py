"""The policy files, the decision cache, reloading, and `hub policy check`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from policy.enforcer import MODEL_PATH, POLICY_PATH, PolicyDecider, PolicyError
from policy.gate import Gate
from policy.reloading import reload_or_keep
from policy.vocabulary import Action, Outcome, Relation, Resource
from tests.conftest import Hub

QUERY_100 = """
{ cases(first: 100) { edges { node { id participants { role participant {
    id ssn dateOfBirth familyViolence
    offsetCertifications { id taxRefundOffsets { amount } }
} } } } } }
"""


def _copy_policy(tmp_path: Path) -> tuple[Path, Path]:
    model, policy = tmp_path / "model.conf", tmp_path / "policy.csv"
    shutil.copy(MODEL_PATH, model)
    shutil.copy(POLICY_PATH, policy)
    return model, policy


def test_decisions_are_cached_per_role_relation_resource():
    # given a fresh decider
    decider = PolicyDecider()
    # when the same question is asked a thousand times
    for _ in range(1000):
        decider.decide("state_worker", False, Relation.OWN, Resource.PARTICIPANT_SSN, Action.READ)
    # then Casbin evaluated it once
    assert decider.evaluations == 1


async def test_evaluations_do_not_grow_with_rows(
    client: httpx.AsyncClient, hub: Hub, unbudgeted: None
):
    # given the app's gate (over its one decider), warmed by a 5-row query
    gate: Gate = client._transport.app.state.gate  # type: ignore[attr-defined]
    headers = hub.headers("state_worker", jurisdiction="06", fti=True)
    small = QUERY_100.replace("first: 100", "first: 5")
    await client.post("/graphql", json={"query": small}, headers=headers)
    warmed = gate.evaluations
    # when a 100-row query asks about many more records
    response = await client.post("/graphql", json={"query": QUERY_100}, headers=headers)
    # then it answers, and at most a few new (role, relation, resource) combinations
    # were evaluated: the count does not follow the rows
    assert len(response.json()["data"]["cases"]["edges"]) == 100
    assert gate.evaluations - warmed <= 6
    assert gate.evaluations <= 20


def test_reload_drops_the_cache_and_applies_the_new_policy(tmp_path: Path):
    # given a decider on a copy of the policy, asked once
    model, policy = _copy_policy(tmp_path)
    decider = PolicyDecider(model, policy)
    before = decider.decide("analyst", False, Relation.ANY, Resource.CASE_QUICK, Action.READ)
    assert before.outcome is Outcome.DENY
    # when the file grants analysts QUICK and the policy is reloaded
    policy.write_text(policy.read_text() + "p, 5, analyst, *, *, Case.quick, read, allow, allow\n")
    assert reload_or_keep(Gate(decider))
    # then the next decision follows the new file
    after = decider.decide("analyst", False, Relation.ANY, Resource.CASE_QUICK, Action.READ)
    assert after.outcome is Outcome.ALLOW


def test_invalid_policy_is_refused_and_the_old_one_kept(tmp_path: Path):
    model, policy = _copy_policy(tmp_path)
    decider = PolicyDecider(model, policy)
    policy.write_text(
        policy.read_text() + "p, 5, analyst, *, *, Case.nothing, read, allow, allow\n"
    )
    assert not reload_or_keep(Gate(decider))
    decision = decider.decide("analyst", False, Relation.ANY, Resource.CASE, Action.READ)
    assert decision.outcome is Outcome.ALLOW
    with pytest.raises(PolicyError):
        PolicyDecider(model, policy)


@pytest.mark.parametrize(
    "bad_line",
    [
        "p, x, analyst, *, *, Case, read, allow, allow",
        "p, 5, analyst, *, *, Case, read, deny, allow",
        "p, 5, analyst, *, *, Case, read, shrug, allow",
    ],
)
def test_policy_lines_are_validated(tmp_path: Path, bad_line: str):
    model, policy = _copy_policy(tmp_path)
    policy.write_text(policy.read_text() + bad_line + "\n")
    with pytest.raises(PolicyError):
        PolicyDecider(model, policy)


def test_a_missing_policy_file_is_refused_by_name(tmp_path: Path):
    model, _policy = _copy_policy(tmp_path)
    with pytest.raises(PolicyError, match=r"^cannot read missing\.csv: no such file$"):
        PolicyDecider(model, tmp_path / "missing.csv")


def test_a_policy_without_rules_is_refused_not_read_as_deny_everything(tmp_path: Path):
    # Casbin loads an empty file as a policy that denies everything, which nobody means
    model, policy = _copy_policy(tmp_path)
    policy.write_text("# nothing but a comment\n")
    with pytest.raises(PolicyError, match="holds no rules"):
        PolicyDecider(model, policy)


def test_policy_check_prints_the_table():
    # when `hub policy check` runs
    result = subprocess.run(
        [str(Path(sys.executable).parent / "hub"), "policy", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    # then it exits 0 and shows, e.g., the analyst's masked SSN and FVI protection
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    ssn = lines.index("Participant.ssn")
    assert "  analyst                own=mask other=mask" in lines[ssn : ssn + 10]
    assert "fvi=deny:FVI_PROTECTED" in result.stdout
