"""The `hub` command as a user runs it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import click
import httpx
import jwt
import pytest
from click.testing import CliRunner
from sqlalchemy import text

import schema as schema_package
from cli import DISTRIBUTION, main
from datasources.engines import build_engines, dispose_engines
from datasources.migrations import upgrade
from datasources.migrations.state import version_table
from demo_data.scenarios import MIN_PARTICIPANTS
from settings import SQL_SOURCES, load_settings
from tests.conftest import BACKENDS, Hub
from tests.services.postgres import create_database, drop_databases_later, postgres_server_url

HUB = str(Path(sys.executable).parent / "hub")
REPO = Path(__file__).resolve().parents[1]


COVERAGE_VARIABLES = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")


def _hub(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is not None:
        # the command's own environment, plus what lets `make test` measure the process
        env = {**{k: os.environ[k] for k in COVERAGE_VARIABLES if k in os.environ}, **env}
    return subprocess.run(
        [HUB, *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


DATA_DIR = "{data_dir}"
"""Stands for a run's own fresh folder in the values of `Run.env`."""


@dataclass(frozen=True)
class Run:
    """One `hub` invocation that needs nothing but its arguments and its environment.

    Without `env` it runs in the suite's own environment; with it, in exactly these
    variables plus HUB_DATA_DIR (a fresh folder of its own) and PATH.
    """

    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] | None = None


class Runs:
    """Standalone invocations, all started when the module's first test asks for one.

    Each is a fresh interpreter that imports the hub (under `make test`, coverage's
    tracer too): about a second of CPU spent waiting, one after another, when each test
    ran its own. Started together, two at a time, they run beside each other and beside
    the module's other tests; each test still judges the real process it names.
    """

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._folders = tmp_path_factory
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hub-cli")
        self._started: dict[Run, Future[subprocess.CompletedProcess[str]]] = {}

    def start(self, run: Run) -> None:
        if run in self._started:
            return
        env = None
        if run.env is not None:
            data_dir = str(self._folders.mktemp("hub-cli"))
            env = {"HUB_DATA_DIR": data_dir, "PATH": "/usr/bin:/bin"}
            env |= {name: value.replace(DATA_DIR, data_dir) for name, value in run.env}
        self._started[run] = self._pool.submit(_hub, *run.args, env=env)

    def __getitem__(self, run: Run) -> subprocess.CompletedProcess[str]:
        self.start(run)
        return self._started[run].result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


# ------------------------------------------------------------------ standalone runs

ACCEPTED_TOKEN = Run(("token", "--role", "tribal_worker", "--jurisdiction", "T0001", "--fti"))
UNKNOWN_ROLE = Run(("token", "--role", "root"))
CLAIMS_REFUSED = [
    (["--role", "state_worker"], "--jurisdiction", "need a jurisdiction"),
    (["--role", "state_worker", "--jurisdiction", "6"], "--jurisdiction", "two-digit"),
    (["--role", "state_worker", "--jurisdiction", "T0001"], "--jurisdiction", "two-digit"),
    (["--role", "state_worker", "--jurisdiction", "\u0660\u0666"], "--jurisdiction", "FIPS"),
    (["--role", "tribal_worker"], "--jurisdiction", "need a jurisdiction"),
    (["--role", "tribal_worker", "--jurisdiction", "06"], "--jurisdiction", "tribal code"),
    (["--role", "employer"], "--fein", "need a fein"),
    (["--role", "employer", "--fein", "900000001"], "--fein", "NN-NNNNNNN"),
    (["--role", "insurer", "--fein", "90-000001"], "--fein", "NN-NNNNNNN"),
    (["--role", "financial_institution", "--jurisdiction", "06"], "--fein", "need a fein"),
]
"""Claims a role lacks, the option that says so, and what it needs."""
CLAIMS_MINTED = [
    ["--role", "state_worker", "--jurisdiction", "41"],
    ["--role", "tribal_worker", "--jurisdiction", "T0001", "--fti"],
    ["--role", "employer", "--fein", "90-0000001"],
    ["--role", "ocss_staff"],
    ["--role", "analyst"],
]
"""Roles with the claims each needs."""
VERSION = Run(("--version",))
SCHEMA = Run(("schema",))
TOO_FEW_PARTICIPANTS = Run(("seed", "--participants", str(MIN_PARTICIPANTS - 1)), ())
PRODUCTION_WITHOUT_SECRET = Run(("token", "--role", "analyst"), (("HUB_ENV", "production"),))
POLICY_COMMANDS = [("serve",), ("policy", "check")]
DATABASE_COMMANDS = [("migrate",), ("audit", "verify"), ("seed", "--if-empty")]
UNPARSED_SETTINGS = [
    (("token", "--role", "analyst"), "HUB_PORT", "eighty"),
    (("policy", "check"), "HUB_ENV", "staging"),
    (("audit", "verify"), "HUB_MAX_BODY_BYTES", "lots"),
    (("migrate",), "HUB_DATABASE_URL", "mysql://hub@127.0.0.1/hub"),
]


def _missing_policy(command: tuple[str, ...]) -> Run:
    return Run(command, (("HUB_POLICY_FILE", f"{DATA_DIR}/missing.csv"),))


def _unreachable_database(command: tuple[str, ...]) -> Run:
    return Run(command, (("HUB_DATABASE_URL", "postgresql://hub:s3cret-pw@127.0.0.1:1/hub"),))


STANDALONE = {
    "test_token_is_accepted_by_the_running_hub": [ACCEPTED_TOKEN],
    "test_token_refuses_an_unknown_role": [UNKNOWN_ROLE],
    "test_token_refuses_a_role_without_the_claims_it_needs": [
        Run(("token", *claims)) for claims, _, _ in CLAIMS_REFUSED
    ],
    "test_token_mints_for_a_role_with_its_claims": [
        Run(("token", *claims)) for claims in CLAIMS_MINTED
    ],
    "test_version_is_the_installed_package_version": [VERSION],
    "test_schema_prints_the_committed_sdl": [SCHEMA],
    "test_seed_refuses_fewer_participants_than_its_scenarios_need": [TOO_FEW_PARTICIPANTS],
    "test_production_refuses_to_start_without_a_secret": [PRODUCTION_WITHOUT_SECRET],
    "test_a_missing_policy_file_is_one_line_naming_it": [
        _missing_policy(command) for command in POLICY_COMMANDS
    ],
    "test_an_unreachable_database_is_one_line_without_its_password": [
        _unreachable_database(command) for command in DATABASE_COMMANDS
    ],
    "test_a_setting_that_does_not_parse_is_one_line_naming_it": [
        Run(command, ((variable, value),)) for command, variable, value in UNPARSED_SETTINGS
    ],
}
"""The invocations each test judges that depend on nothing before them."""


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runs]:
    """The standalone invocations of this module's selected tests, started at once."""
    started = Runs(tmp_path_factory)
    selected = {
        getattr(item, "originalname", item.name)
        for item in request.session.items
        if item.path == request.path
    }
    for test, invocations in STANDALONE.items():
        if test in selected:
            for run in invocations:
                started.start(run)
    yield started
    started.close()


async def test_token_is_accepted_by_the_running_hub(http: httpx.AsyncClient, hub: Hub, runs: Runs):
    # given a token printed by `hub token` with the default development settings
    result = runs[ACCEPTED_TOKEN]
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


def test_token_refuses_an_unknown_role(runs: Runs):
    result = runs[UNKNOWN_ROLE]
    assert result.returncode == 2
    assert "'root' is not one of" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("claims", "option", "needs"), CLAIMS_REFUSED)
def test_token_refuses_a_role_without_the_claims_it_needs(
    runs: Runs, claims: list[str], option: str, needs: str
):
    # when a token is asked for a role without a claim its access rules follow
    result = runs[Run(("token", *claims))]
    # then none is printed, and the message names the option and what it needs
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert f"Invalid value for '{option}'" in result.stderr
    assert needs in result.stderr


@pytest.mark.parametrize("claims", CLAIMS_MINTED)
def test_token_mints_for_a_role_with_its_claims(runs: Runs, claims: list[str]):
    result = runs[Run(("token", *claims))]
    assert result.returncode == 0, result.stderr
    assert (
        jwt.decode(result.stdout.strip(), options={"verify_signature": False})["role"]
        == (claims[1])
    )


def test_version_is_the_installed_package_version(runs: Runs):
    result = runs[VERSION]
    assert result.returncode == 0
    assert result.stdout.strip() == f"hub, version {version(DISTRIBUTION)}"


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(_commands(main))
UNITS = ("seconds", "years", "bytes", "number", "port", "integer")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_answers_dash_h_and_help(path: tuple[str, ...], command: click.Command):
    runner = CliRunner()
    short = runner.invoke(main, [*path, "-h"], prog_name="hub")
    long = runner.invoke(main, [*path, "--help"], prog_name="hub")
    assert short.exit_code == 0, short.output
    assert short.output == long.output
    assert short.output.startswith(f"Usage: hub {' '.join(path)}".rstrip())
    assert "-h, --help" in short.output
    assert (command.help or "").strip(), "every command says what it does"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_has_help_with_its_unit(path: tuple[str, ...], command: click.Command):
    for option in command.params:
        if not isinstance(option, click.Option) or option.name in ("help", "version"):
            continue
        name = option.opts[0]
        assert (option.help or "").strip(), f"{name} has no help text"
        if option.is_flag:
            continue
        # a value's kind shows in the usage line: --ttl SECONDS, --participants N
        assert option.metavar, f"{name} has no metavar"
        assert option.metavar.upper() == option.metavar, name
        if isinstance(option.type, (click.types.IntParamType, click.types.FloatParamType)):
            words = f"{option.metavar} {option.help}".lower()
            assert any(unit in words for unit in UNITS) or option.metavar == "N", (
                f"{name} does not say its unit"
            )


def test_schema_prints_the_committed_sdl(runs: Runs):
    result = runs[SCHEMA]
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


def test_seed_refuses_fewer_participants_than_its_scenarios_need(runs: Runs):
    # the scenarios need MIN_PARTICIPANTS people: fewer is a usage error, not a traceback
    result = runs[TOO_FEW_PARTICIPANTS]
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert f"x>={MIN_PARTICIPANTS}" in result.stderr


def test_seed_if_empty_keeps_existing_data(tmp_path: Path):
    env = {"HUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    assert _hub("migrate", env=env).returncode == 0
    seeded = _hub("seed", "--participants", "150", env=env)
    again = _hub("seed", "--if-empty", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "already seeded (150 participants)" in again.stdout


def test_production_refuses_to_start_without_a_secret(runs: Runs):
    result = runs[PRODUCTION_WITHOUT_SECRET]
    assert result.returncode == 2
    assert "HUB_TOKEN_SECRET" in result.stderr


@pytest.mark.parametrize("command", POLICY_COMMANDS)
def test_a_missing_policy_file_is_one_line_naming_it(runs: Runs, command: tuple[str, ...]):
    result = runs[_missing_policy(command)]
    assert result.returncode in (1, 2)
    assert result.stderr.strip().endswith("cannot read missing.csv: no such file")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_packages_are_ours_not_same_named_distributions():
    # `schema` and `policy` are also names of PyPI distributions
    import policy

    assert Path(schema_package.__file__).resolve().is_relative_to(REPO)
    assert Path(policy.__file__).resolve().is_relative_to(REPO)


# --------------------------------------------------------------------------- a database not ready

NEEDS_A_DATABASE = {
    ("seed", "--participants", "100"): "fcr",
    ("seed", "--if-empty"): "fcr",
    ("audit", "verify"): "audit",
    ("audit", "checkpoint"): "audit",
    ("audit", "purge"): "audit",
}


def _not_migrated(source: str) -> str:
    return f"the {source} database is not migrated: run `hub migrate` first"


@pytest.fixture(params=BACKENDS)
def empty_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a hub whose databases were never migrated: SQLite files absent,
    or a PostgreSQL database without a table."""
    env = {"HUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    if request.param == "sqlite":
        yield env
        return
    server = postgres_server_url()
    name = f"hub_test_cli_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(server, name))
    try:
        yield {**env, "HUB_DATABASE_URL": url}
    finally:
        drop_databases_later(server, [name])


async def _migrate(env: dict[str, str], revisions: dict[str, str]) -> None:
    """Bring the named sources of `env`'s hub to a revision each ("head": the newest)."""
    engines = build_engines(load_settings(env).database_urls)
    try:
        for source, revision in revisions.items():
            await upgrade(source, engines[source], revision)
    finally:
        await dispose_engines(engines)


async def _execute(env: dict[str, str], source: str, statement: str) -> None:
    engines = build_engines({source: load_settings(env).database_urls[source]})
    try:
        async with engines[source].begin() as conn:
            await conn.execute(text(statement))
    finally:
        await dispose_engines(engines)


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", list(NEEDS_A_DATABASE), ids=" ".join)
def test_a_command_on_unmigrated_databases_says_run_migrate_first(
    empty_databases: dict[str, str], command: tuple[str, ...]
):
    # when a command that reads or writes a source runs before `hub migrate`
    result = _hub(*command, env=empty_databases)
    # then it exits non-zero with one line naming the database and what to run
    assert result.returncode == 1, result
    assert _one_line(result) == _not_migrated(NEEDS_A_DATABASE[command])
    assert result.stdout == ""
    # and asking created no SQLite file
    assert list(Path(empty_databases["HUB_DATA_DIR"]).glob("*.db")) == []


def test_a_database_behind_the_newest_migration_is_not_migrated(empty_databases: dict[str, str]):
    # given every source at its newest revision but the FCR, one revision behind
    heads = {source: "head" for source in SQL_SOURCES}
    asyncio.run(_migrate(empty_databases, {**heads, "fcr": "0001_fcr"}))
    # when the demo data is seeded, then the FCR is named
    result = _hub("seed", "--participants", "100", env=empty_databases)
    assert result.returncode == 1, result
    assert _one_line(result) == _not_migrated("fcr")
    # and once migrated, the same command runs
    assert _hub("audit", "verify", env=empty_databases).returncode == 0


def test_tables_without_their_version_table_are_not_migrated(empty_databases: dict[str, str]):
    # given the audit tables, but not the table Alembic records their revision in
    asyncio.run(_migrate(empty_databases, {"audit": "head"}))
    asyncio.run(_execute(empty_databases, "audit", f"DROP TABLE {version_table('audit')}"))
    result = _hub("audit", "verify", env=empty_databases)
    assert result.returncode == 1, result
    assert _one_line(result) == _not_migrated("audit")


def test_a_database_a_newer_hub_migrated_is_refused(empty_databases: dict[str, str]):
    asyncio.run(_migrate(empty_databases, {"audit": "head"}))
    asyncio.run(
        _execute(
            empty_databases, "audit", f"UPDATE {version_table('audit')} SET version_num = '0099_x'"
        )
    )
    result = _hub("audit", "checkpoint", env=empty_databases)
    assert result.returncode == 1, result
    assert _one_line(result) == (
        "the audit database has migrations this hub does not know: it was migrated by a newer hub"
    )


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_an_unreachable_database_is_one_line_without_its_password(
    runs: Runs, command: tuple[str, ...]
):
    # given a PostgreSQL URL where nothing listens (port 1), with a password in it
    result = runs[_unreachable_database(command)]
    assert result.returncode == 1, result
    line = _one_line(result)
    assert line.startswith("cannot connect to the "), line
    assert "127.0.0.1:1/hub" in line
    assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.parametrize(("command", "variable", "value"), UNPARSED_SETTINGS)
def test_a_setting_that_does_not_parse_is_one_line_naming_it(
    runs: Runs, command: tuple[str, ...], variable: str, value: str
):
    result = runs[Run(command, ((variable, value),))]
    assert result.returncode == 2, result
    line = _one_line(result)
    assert line.startswith("configuration error: "), line
    assert variable in line
