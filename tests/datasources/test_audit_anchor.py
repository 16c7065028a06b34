"""The audit chain anchored outside its database, through `hub audit checkpoint` and `verify`.

Events are seeded, checkpointed (published signed to moto's S3 under object lock, or to a
file), and then the database is rewritten as an attacker with write access to it would: an
event altered with the whole chain after it recomputed, or the tail cut off. The database
then verifies on its own; `hub audit verify` names the checkpoint it contradicts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.sql_audit import SqlAuditTrail
from tests.conftest import Hub
from tests.datasources.anchor_support import cut_tail_after, rewrite_from
from tests.datasources.audit_support import append_numbered
from tests.services.moto_s3 import CHECKPOINT_BUCKET, MotoS3

HUB = str(Path(sys.executable).parent / "hub")
COVERAGE_VARIABLES = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")
SINKS = ("file", "s3")


@pytest.fixture(params=SINKS)
def hub_env(
    request: pytest.FixtureRequest, hub: Hub, moto_s3: MotoS3, tmp_path: Path
) -> dict[str, str]:
    """`hub audit` on the test's audit database, publishing to a fresh file or S3 prefix."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HUB_ENV": "development",
        "HUB_DATA_DIR": str(tmp_path),
        "HUB_AUDIT_DATABASE_URL": hub.settings.database_urls["audit"],
        **{k: os.environ[k] for k in COVERAGE_VARIABLES if k in os.environ},
    }
    if request.param == "file":
        return {**env, "HUB_AUDIT_CHECKPOINT_SINK": f"file://{tmp_path}/checkpoints.jsonl"}
    return {
        **env,
        "HUB_AUDIT_CHECKPOINT_SINK": f"s3://{CHECKPOINT_BUCKET}/{tmp_path.name}",
        "HUB_BLOB_S3_ENDPOINT": moto_s3.endpoint,
        "HUB_BLOB_S3_BUCKET": "unused-here",
        "HUB_BLOB_S3_ACCESS_KEY": moto_s3.access_key,
        "HUB_BLOB_S3_SECRET_KEY": moto_s3.secret_key,
    }


def _hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HUB, "audit", *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


async def _two_checkpoints(trail: SqlAuditTrail, env: dict[str, str]) -> None:
    """Events 1-20, a checkpoint, events 21-30, a checkpoint: both published."""
    await append_numbered(trail, 20)
    first = _hub(env, "checkpoint")
    assert first.returncode == 0, first.stderr
    assert "published 1 checkpoints" in first.stdout
    await append_numbered(trail, 10)
    second = _hub(env, "checkpoint")
    assert second.returncode == 0, second.stderr
    assert "published 1 checkpoints" in second.stdout


async def test_an_untouched_database_agrees_with_every_checkpoint(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub_env: dict[str, str]
) -> None:
    # given
    await _two_checkpoints(audit_trail, hub_env)

    # when
    verified = _hub(hub_env, "verify")

    # then
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.splitlines() == [
        "audit chain intact: 30 events checked",
        "published checkpoints: 2 agree with the database",
    ]


async def test_a_rewritten_chain_that_verifies_on_its_own_contradicts_its_checkpoint(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub_env: dict[str, str]
) -> None:
    # given checkpoints at 20 and 30, then event 25 altered and the chain after it recomputed
    await _two_checkpoints(audit_trail, hub_env)
    await rewrite_from(audit_engine, 25, record_id="altered")
    assert (await audit_trail.verify()).ok  # the database alone cannot tell

    # when
    verified = _hub(hub_env, "verify")

    # then the checkpoint at 30 is named; the one at 20 still agrees
    assert verified.returncode == 1
    lines = verified.stdout.splitlines()
    assert lines[0] == "audit chain intact: 30 events checked"
    assert len(lines) == 2
    assert lines[1].startswith("audit anchor: the database contradicts checkpoint at seq 30 (")
    assert lines[1].endswith("): event 30 has another hash")


async def test_a_cut_tail_is_caught(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub_env: dict[str, str]
) -> None:
    # given checkpoints at 20 and 30, then events 26-30 deleted and the head moved back
    await _two_checkpoints(audit_trail, hub_env)
    await cut_tail_after(audit_engine, 25)
    assert (await audit_trail.verify()).ok

    # when
    verified = _hub(hub_env, "verify")

    # then
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[1].startswith(
        "audit anchor: the database ends at seq 25, before checkpoint at seq 30 ("
    )
    assert verified.stdout.splitlines()[1].endswith("): events were removed")


async def test_a_rewrite_before_the_first_checkpoint_is_named_at_every_checkpoint(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub_env: dict[str, str]
) -> None:
    # given
    await _two_checkpoints(audit_trail, hub_env)
    await rewrite_from(audit_engine, 3, record_id="altered")

    # when
    verified = _hub(hub_env, "verify")

    # then
    assert verified.returncode == 1
    faults = [line for line in verified.stdout.splitlines() if line.startswith("audit anchor:")]
    assert [fault.split(" (")[0] for fault in faults] == [
        "audit anchor: the database contradicts checkpoint at seq 20",
        "audit anchor: the database contradicts checkpoint at seq 30",
    ]


async def test_a_checkpoint_that_cannot_be_published_exits_1_without_the_path(
    audit_engine: AsyncEngine, audit_trail: SqlAuditTrail, hub: Hub, tmp_path: Path
) -> None:
    # given a file sink in a folder that is a file
    await append_numbered(audit_trail, 2)
    (tmp_path / "blocked").write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HUB_ENV": "development",
        "HUB_DATA_DIR": str(tmp_path),
        "HUB_AUDIT_DATABASE_URL": hub.settings.database_urls["audit"],
        "HUB_AUDIT_CHECKPOINT_SINK": f"file://{tmp_path}/blocked/checkpoints.jsonl",
        **{k: os.environ[k] for k in COVERAGE_VARIABLES if k in os.environ},
    }

    # when
    result = _hub(env, "checkpoint")

    # then the database has its checkpoint; the publication is one line naming no path
    assert result.returncode == 1
    assert result.stderr == (
        "audit checkpoint recorded, but not published: checkpoint file: NotADirectoryError\n"
    )
    verified = _hub(env, "verify")
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[1] == (
        "audit anchor: the published checkpoints could not be read:"
        " checkpoint file: NotADirectoryError"
    )
