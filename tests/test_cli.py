"""The `hub` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import jwt

import schema as schema_package
from tests.conftest import Hub

HUB = str(Path(sys.executable).parent / "hub")
REPO = Path(__file__).resolve().parents[1]


def _hub(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HUB, *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


async def test_token_is_accepted_by_the_running_hub(http: httpx.AsyncClient, hub: Hub):
    # given a token printed by `hub token` with the default development settings
    result = _hub("token", "--role", "tribal_worker", "--jurisdiction", "T0001", "--fti")
    token = result.stdout.strip()
    # when it is used against the hub
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { role jurisdiction ftiCleared } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    # then the hub knows who it is
    assert response.json()["data"]["viewer"] == {
        "role": "tribal_worker",
        "jurisdiction": "T0001",
        "ftiCleared": True,
    }
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600


def test_token_refuses_an_unknown_role():
    result = _hub("token", "--role", "root")
    assert result.returncode != 0
    assert "root" in result.stderr


def test_schema_prints_the_committed_sdl():
    result = _hub("schema")
    assert result.returncode == 0
    assert result.stdout.strip() == (REPO / "schema.graphql").read_text().strip()


def test_migrate_twice_changes_nothing(tmp_path: Path):
    env = {"HUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = _hub("migrate", env=env)
    second = _hub("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "Running upgrade" in first.stderr
    assert "Running upgrade" not in second.stderr
    assert sorted(p.name for p in tmp_path.glob("*.db")) == [
        "audit.db",
        "documents.db",
        "fcr.db",
        "ndnh.db",
        "notices.db",
        "offsets.db",
    ]


def test_seed_if_empty_keeps_existing_data(tmp_path: Path):
    env = {"HUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    assert _hub("migrate", env=env).returncode == 0
    seeded = _hub("seed", "--participants", "150", env=env)
    again = _hub("seed", "--if-empty", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "already seeded (150 participants)" in again.stdout


def test_production_refuses_to_start_without_a_secret(tmp_path: Path):
    env = {"HUB_DATA_DIR": str(tmp_path), "HUB_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = _hub("token", "--role", "analyst", env=env)
    assert result.returncode == 2
    assert "HUB_TOKEN_SECRET" in result.stderr


def test_packages_are_ours_not_same_named_distributions():
    # `schema` and `policy` are also names of PyPI distributions
    import policy

    assert Path(schema_package.__file__).resolve().is_relative_to(REPO)
    assert Path(policy.__file__).resolve().is_relative_to(REPO)
