"""`hub policy ...`: check the policy files, and tell a running hub to reload them."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from policy.gate import Gate, PolicyError, load_gate
from policy.tokens import ROLES
from policy.vocabulary import Relation, Resource

# the relations each resource's lines can name, in the order the table shows them
RELATIONS: dict[Resource, tuple[Relation, ...]] = {
    Resource.PARTICIPANT_SSN: (Relation.OWN, Relation.OTHER),
    Resource.PARTICIPANT_DATE_OF_BIRTH: (Relation.OWN, Relation.OTHER),
    # reporter: a termination notice's locate fields, to the employer that reported it
    Resource.PARTICIPANT_LOCATE: (Relation.OWN, Relation.OTHER, Relation.FVI, Relation.REPORTER),
    Resource.EMPLOYER: (Relation.OWN_FEIN, Relation.OTHER),
    Resource.OFFSET_CERTIFICATION: (Relation.SUBMITTING, Relation.OTHER),
    Resource.TAX_REFUND_OFFSET: (Relation.SUBMITTING, Relation.OTHER),
    Resource.INTROSPECTION: (Relation.DEVELOPMENT, Relation.PRODUCTION),
}


def _outcomes(gate: Gate, role: str, resource: Resource, fti: bool) -> str:
    parts = []
    for relation in RELATIONS.get(resource, (Relation.ANY,)):
        decision = gate.policy_outcome(role, fti, relation, resource)
        outcome = decision.outcome.value + (f":{decision.code}" if decision.code else "")
        parts.append(outcome if relation is Relation.ANY else f"{relation.value}={outcome}")
    return " ".join(parts)


def _cell(gate: Gate, role: str, resource: Resource) -> str:
    plain = _outcomes(gate, role, resource, fti=False)
    cleared = _outcomes(gate, role, resource, fti=True)
    return plain if plain == cleared else f"{plain} | with fti: {cleared}"


def render_table(gate: Gate) -> str:
    """What each role gets for each resource, by relation and FTI clearance."""
    lines = []
    for resource in Resource:
        lines.append(f"{resource.value}")
        for role in ROLES:
            lines.append(f"  {role:<22} {_cell(gate, role, resource)}")
    return "\n".join(lines)


@click.group("policy")
def policy_group() -> None:
    """Check and reload the access policy."""


@policy_group.command("check")
def policy_check() -> None:
    """Validate model.conf and policy.csv; print what each role gets."""
    from settings import load_settings

    try:
        gate = load_gate(load_settings().policy_file)
    except PolicyError as error:
        click.echo(f"policy invalid: {error}", err=True)
        sys.exit(1)
    click.echo(render_table(gate))


@policy_group.command("reload")
@click.option(
    "--pid-file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    default=None,
    help="The running hub's pid file (default: $HUB_DATA_DIR/hub.pid).",
)
def policy_reload(pid_file: Path | None) -> None:
    """Tell the running hub (its pid file) to reload the policy files (SIGHUP)."""
    from settings import load_settings

    path = pid_file or load_settings().data_dir / "hub.pid"
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as error:
        click.echo(f"no running hub found through {path}: {error}", err=True)
        sys.exit(1)
    click.echo(f"asked hub process {pid} to reload its policy")
