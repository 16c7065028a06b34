"""docker-compose.yml: checked by a real compose tool, and its hub commands run for real.

No Docker engine runs on this project's machines, so nothing here starts a
container. Instead:

1. the compose tool's own `config` reads the file (with dummy secrets in the
   environment) and the parsed result is checked: services, health checks,
   start order, named volumes, and no literal secret in the file;
2. the hub service's command (`sh -c "hub migrate && hub seed ... && hub serve"`)
   is taken from that parsed result and the same steps are run here as
   subprocesses, against a fresh database on the test PostgreSQL server, and
   the service's own health check is run against the server they start.

A missing compose tool fails these tests (install Debian's docker-compose:
`make tools`); they are never skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from tests.services.postgres import (
    _asyncpg_dsn,
    _free_port,
    create_database,
    drop_database,
    postgres_server_url,
)
from tests.services.redis import redis_server_url

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
HUB = Path(sys.executable).parent / "hub"  # the venv's console script, e.g. .venv/bin/hub

REQUIRED_VARIABLES = (
    "POSTGRES_PASSWORD",
    "HUB_TOKEN_SECRET",
    "HUB_AUDIT_SIGNING_KEY",
    "HUB_METRICS_TOKEN",
)
DUMMY_ENV = {
    "POSTGRES_PASSWORD": f"compose-test-pg-{secrets.token_hex(8)}",
    "HUB_TOKEN_SECRET": f"compose-test-token-secret-{secrets.token_hex(24)}",
    # one line, its breaks written as \n, as .env.example says
    "HUB_AUDIT_SIGNING_KEY": Ed25519PrivateKey.generate()
    .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    .decode()
    .replace("\n", "\\n"),
    "HUB_METRICS_TOKEN": f"compose-test-metrics-{secrets.token_hex(16)}",
}
SEED_PARTICIPANTS = "300"  # the compose file seeds 3000; the test runs the same step smaller
STEP_TIMEOUT_SECONDS = 600
SERVE_TIMEOUT_SECONDS = 60
INSTALL_HINT = (
    "no compose tool found (neither `docker compose` nor `docker-compose`): install "
    "Debian's docker-compose with `make tools` (as root: apt-get install -y "
    "--no-install-recommends docker-compose); its `config` needs no Docker engine"
)


# ----------------------------------------------------------------- compose tool


@dataclass(frozen=True)
class ComposeTool:
    argv: tuple[str, ...]
    version: str

    @property
    def major(self) -> int:
        match = re.match(r"v?(\d+)", self.version)
        return int(match.group(1)) if match else 0


def _run(argv: list[str], env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=None if env is None else dict(env),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


@cache
def _find_compose_tool() -> ComposeTool | None:
    if shutil.which("docker"):
        plugin = _run(["docker", "compose", "version", "--short"])
        if plugin.returncode == 0 and plugin.stdout.strip():
            return ComposeTool(("docker", "compose"), plugin.stdout.strip())
    standalone = shutil.which("docker-compose")
    if standalone:
        version = _run([standalone, "version", "--short"])
        if version.returncode == 0 and version.stdout.strip():
            return ComposeTool((standalone,), version.stdout.strip())
    return None


def compose_tool() -> ComposeTool:
    tool = _find_compose_tool()
    if tool is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return tool


def _compose_env(overrides: Mapping[str, str | None]) -> dict[str, str]:
    """A clean environment: only PATH/HOME and the variables the file needs."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DUMMY_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_compose_config(
    tmp_path: Path, overrides: Mapping[str, str | None] | None = None, *, as_json: bool = True
) -> subprocess.CompletedProcess[str]:
    tool = compose_tool()
    empty_env_file = tmp_path / "empty.env"  # so a developer's .env does not leak in
    empty_env_file.write_text("")
    argv = [*tool.argv, "-f", str(COMPOSE_FILE), "--env-file", str(empty_env_file), "config"]
    if as_json and tool.major >= 2:
        argv += ["--format", "json"]
    return _run(argv, _compose_env(overrides or {}))


def _yaml_to_json_with(tool: ComposeTool, text: str) -> Any:
    """Parse YAML with the Python that runs Compose v1 (PyYAML is one of its dependencies)."""
    script = Path(tool.argv[0])
    first_line = script.read_text(errors="replace").splitlines()[0] if script.is_file() else ""
    if not first_line.startswith("#!"):
        pytest.fail(f"cannot find the Python interpreter of {script} to read its YAML output")
    interpreter = shlex.split(first_line[2:])
    converted = subprocess.run(
        [
            *interpreter,
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
        ],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert converted.returncode == 0, converted.stderr
    return json.loads(converted.stdout)


@pytest.fixture(scope="module")
def compose_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The file as the compose tool itself parses and interpolates it."""
    tool = compose_tool()
    result = run_compose_config(tmp_path_factory.mktemp("compose"))
    assert result.returncode == 0, (
        f"`{' '.join(tool.argv)} config` rejected {COMPOSE_FILE.name}:\n{result.stderr}"
    )
    parsed = (
        json.loads(result.stdout) if tool.major >= 2 else _yaml_to_json_with(tool, result.stdout)
    )
    assert isinstance(parsed, dict)
    return parsed


def _service(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    services = config.get("services") or {}
    assert name in services, f"service {name!r} missing; have {sorted(services)}"
    service: dict[str, Any] = services[name]
    return service


def _environment(service: Mapping[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):  # KEY=VALUE form
        environment = dict(item.split("=", 1) for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def _healthcheck_test(service: Mapping[str, Any]) -> list[str]:
    test = (service.get("healthcheck") or {}).get("test")
    assert test, f"no healthcheck test in {service}"
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    return [str(part) for part in test]


# ------------------------------------------------------- (1) the file, as parsed


def test_compose_file_parses_with_the_services(compose_config: dict[str, Any]) -> None:
    assert {"postgres", "hub"} <= set(compose_config["services"])
    postgres = _service(compose_config, "postgres")
    assert str(postgres["image"]).startswith("postgres:16")
    hub = _service(compose_config, "hub")
    build = hub["build"]
    context = build if isinstance(build, str) else build["context"]
    assert Path(context).resolve() == REPO
    targets = {
        int(port["target"]) if isinstance(port, dict) else int(str(port).rsplit(":", 1)[-1])
        for port in hub.get("ports", [])
    }
    assert 8000 in targets


def test_hub_waits_for_a_healthy_postgres(compose_config: dict[str, Any]) -> None:
    depends_on = _service(compose_config, "hub").get("depends_on")
    assert isinstance(depends_on, dict), f"depends_on must use the long form: {depends_on!r}"
    assert depends_on["postgres"]["condition"] == "service_healthy"


def test_both_services_have_healthchecks(compose_config: dict[str, Any]) -> None:
    postgres_test = _healthcheck_test(_service(compose_config, "postgres"))
    assert postgres_test[0] in ("CMD", "CMD-SHELL")
    assert "pg_isready" in " ".join(postgres_test[1:])
    hub_test = _healthcheck_test(_service(compose_config, "hub"))
    assert hub_test[:3] == ["CMD", "python", "-c"]
    assert "urllib" in hub_test[3]
    assert "/readyz" in hub_test[3]  # healthy once ready: its databases answer


def test_every_service_has_a_healthcheck(compose_config: dict[str, Any]) -> None:
    for name, service in compose_config["services"].items():
        test = _healthcheck_test(service)
        assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: {test}"


def _start_order(compose_config: Mapping[str, Any]) -> list[str]:
    """The services in an order compose may start them, each after those it depends on."""
    services = compose_config["services"]
    needs: dict[str, set[str]] = {}
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on must use the long form"
        for other, condition in depends_on.items():
            assert condition["condition"] == "service_healthy", f"{name} -> {other}"
            assert other in services, f"{name} depends on a missing {other}"
        needs[name] = set(depends_on)
    order: list[str] = []
    while needs:
        ready = sorted(name for name, wanted in needs.items() if wanted <= set(order))
        assert ready, f"the dependencies form a cycle: {needs}"
        order += ready
        for name in ready:
            del needs[name]
    return order


def test_services_start_in_order_each_once_its_dependencies_are_healthy(
    compose_config: dict[str, Any],
) -> None:
    order = _start_order(compose_config)
    for backend in ("postgres", "redis", "state-sim"):
        assert order.index(backend) < order.index("hub") < order.index("hub2")
    assert order[-1] == "proxy"
    proxy_needs = set(_service(compose_config, "proxy")["depends_on"])
    assert proxy_needs == {"hub", "hub2"}


def test_redis_keeps_an_append_only_file_on_a_volume(compose_config: dict[str, Any]) -> None:
    redis = _service(compose_config, "redis")
    command = redis["command"]
    if isinstance(command, str):
        command = shlex.split(command)
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    mounts = [
        str(volume).split(":")[1] if isinstance(volume, str) else volume["target"]
        for volume in redis.get("volumes", [])
    ]
    assert "/data" in mounts  # where redis:7 writes its append-only file


def test_volumes_are_named(compose_config: dict[str, Any]) -> None:
    declared = set(compose_config.get("volumes") or {})
    assert declared, "no named volumes declared"
    mounts: dict[str, str] = {}
    for name, service in compose_config["services"].items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                assert volume.get("type", "volume") == "volume", f"{name}: bind mount {volume}"
                source, target = volume["source"], volume["target"]
            else:
                source, target = str(volume).split(":")[:2]
            assert source in declared, f"{name}: {source!r} is not a named volume"
            mounts[target] = source
    assert mounts.get("/var/lib/postgresql/data") in declared


def test_hub_environment_points_at_the_postgres_service(compose_config: dict[str, Any]) -> None:
    environment = _environment(_service(compose_config, "hub"))
    assert environment["HUB_HOST"] == "0.0.0.0"  # listens on every interface of the container
    assert environment["HUB_TOKEN_SECRET"] == DUMMY_ENV["HUB_TOKEN_SECRET"]
    url = urlsplit(environment["HUB_DATABASE_URL"])
    assert url.scheme.startswith("postgresql")
    assert url.hostname == "postgres"
    assert url.password == DUMMY_ENV["POSTGRES_PASSWORD"]
    postgres_env = _environment(_service(compose_config, "postgres"))
    assert postgres_env["POSTGRES_PASSWORD"] == DUMMY_ENV["POSTGRES_PASSWORD"]
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.path.lstrip("/") == postgres_env["POSTGRES_DB"]


@pytest.mark.parametrize("missing", REQUIRED_VARIABLES)
def test_each_secret_is_required(tmp_path: Path, missing: str) -> None:
    result = run_compose_config(tmp_path, {missing: None}, as_json=False)
    assert result.returncode != 0, f"config accepted a missing {missing}"
    assert missing in result.stdout + result.stderr


def test_no_literal_secret_in_the_file() -> None:
    text = COMPOSE_FILE.read_text()
    reference = r"\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}"
    for line_number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        match = re.match(
            r"\s*-?\s*([A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN|KEY)[A-Z0-9_]*)\s*[:=]\s*(.*)", content
        )
        if match and match.group(2).strip():
            value = match.group(2).strip().strip("'\"")
            assert re.fullmatch(reference, value), (
                f"line {line_number}: {match.group(1)} must come from the environment "
                f"as ${{{match.group(1)}:?...}}, not {value!r}"
            )
        for credentials in re.findall(r"://[^/\s:@]+:([^@\s]+)@", content):
            assert re.fullmatch(reference, credentials), (
                f"line {line_number}: password in a URL must be a ${{VAR:?...}} reference"
            )
    assert "development-only-secret" not in text
    for value in filter(None, _env_example().values()):  # an optional one may be empty
        assert value not in text, f"placeholder {value!r} from .env.example is in the compose file"


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_env_example_lists_every_variable_with_placeholders() -> None:
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE_FILE.read_text()))
    listed = _env_example()
    assert used <= set(listed), f".env.example lacks {sorted(used - set(listed))}"
    assert set(REQUIRED_VARIABLES) <= used
    for key in REQUIRED_VARIABLES:
        assert "replace" in listed[key], f"{key} in .env.example must be a placeholder"


def test_dockerfile_installs_from_the_lock_then_the_project() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    lock = text.index("pip install -r requirements.lock")
    project = text.index("pip install --no-deps .")
    assert lock < project
    assert re.search(r"^USER (?!root)\S+", text, re.MULTILINE), "the image must not run as root"


def test_dockerfile_copies_what_pyproject_installs() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    copied: set[str] = set()
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            copied.update(Path(source).name for source in line.split()[1:-1])
    modules = {f"{module}.py" for module in setuptools.get("py-modules", [])}
    packages = {
        path.name
        for pattern in setuptools.get("packages", {}).get("find", {}).get("include", [])
        for path in REPO.glob(pattern.rstrip("*") + "*")
        if (path / "__init__.py").is_file()
    }
    missing = (modules | packages | {"pyproject.toml", "requirements.lock"}) - copied
    assert not missing, f"the Dockerfile does not COPY {sorted(missing)}"


def test_requirements_lock_exists_for_the_image() -> None:
    lock = REPO / "requirements.lock"
    assert lock.is_file(), "the Dockerfile installs from requirements.lock, which is missing"
    pins = [line for line in lock.read_text().splitlines() if "==" in line]
    assert pins, "requirements.lock pins nothing"


# ------------------------------------------ (2) the hub's commands, run for real


def _hub_steps(compose_config: Mapping[str, Any]) -> list[list[str]]:
    command = _service(compose_config, "hub")["command"]
    if isinstance(command, str):
        command = shlex.split(command)
    assert command[:2] == ["sh", "-c"], command
    assert len(command) == 3, command
    steps = [shlex.split(part) for part in command[2].split("&&")]
    assert all(step and step[0] == "hub" for step in steps), steps
    assert [step[1] for step in steps] == ["migrate", "seed", "serve"], steps
    seed = steps[1]
    assert "--participants" in seed, seed
    seed[seed.index("--participants") + 1] = SEED_PARTICIPANTS
    return steps


@pytest.fixture
async def fresh_database() -> AsyncIterator[tuple[str, str]]:
    server = postgres_server_url()
    name = f"hub_compose_{uuid.uuid4().hex[:12]}"
    url = await create_database(server, name)
    try:
        yield server, url
    finally:
        await drop_database(server, name)


async def _count_rows(server: str, database_url: str) -> tuple[int, int]:
    """(tables, rows) in every non-system schema of the database."""
    name = urlsplit(database_url).path.lstrip("/")
    connection = await asyncpg.connect(_asyncpg_dsn(server, name))
    try:
        tables = await connection.fetch(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' "
            "and table_schema not in ('pg_catalog', 'information_schema')"
        )
        rows = 0
        for table in tables:
            schema = table["table_schema"].replace('"', '""')
            relation = table["table_name"].replace('"', '""')
            rows += await connection.fetchval(f'select count(*) from "{schema}"."{relation}"')
    finally:
        await connection.close()
    return len(tables), rows


def _hub_env(
    compose_config: Mapping[str, Any], database_url: str, port: int, data_dir: Path
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    compose_env = _environment(_service(compose_config, "hub"))
    env.update(compose_env)
    # Same URL form as the compose file gives (plain postgresql://), on the test server.
    scheme = urlsplit(compose_env["HUB_DATABASE_URL"]).scheme
    env["HUB_DATABASE_URL"] = scheme + "://" + database_url.split("://", 1)[1]
    if "HUB_REDIS_URL" in compose_env:  # the compose host `redis` is the test's Redis here
        assert urlsplit(compose_env["HUB_REDIS_URL"]).hostname == "redis"
        env["HUB_REDIS_URL"] = redis_server_url()
    env["HUB_HOST"] = "127.0.0.1"
    env["HUB_PORT"] = str(port)
    env["HUB_DATA_DIR"] = str(data_dir)
    # the compose file's sink is on the hubs' volume (/app/var); here, in the data folder
    assert compose_env["HUB_AUDIT_CHECKPOINT_SINK"] == "file:///app/var/audit-checkpoints.jsonl"
    env["HUB_AUDIT_CHECKPOINT_SINK"] = f"file://{data_dir / 'audit-checkpoints.jsonl'}"
    return env


async def _run_step(argv: list[str], env: Mapping[str, str]) -> None:
    started = time.monotonic()
    result = await asyncio.to_thread(
        subprocess.run,
        argv,
        env=dict(env),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, (
        f"`{shlex.join(argv)}` exited {result.returncode} after "
        f"{time.monotonic() - started:.1f}s\nstdout:\n{result.stdout[-4000:]}\n"
        f"stderr:\n{result.stderr[-4000:]}"
    )


async def _wait_for_health(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
    last = "no attempt"
    async with httpx.AsyncClient(timeout=3) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                output = await asyncio.to_thread(log.read_text)
                pytest.fail(f"`hub serve` exited {server.returncode}:\n{output[-4000:]}")
            try:
                response = await client.get(url)
            except httpx.TransportError as error:
                last = repr(error)
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            await asyncio.sleep(0.25)
    output = await asyncio.to_thread(log.read_text)
    pytest.fail(f"{url} not healthy within {SERVE_TIMEOUT_SECONDS}s ({last}):\n{output[-4000:]}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@pytest.mark.postgres
@pytest.mark.slow
async def test_hub_service_commands_run_against_real_postgres(
    compose_config: dict[str, Any], fresh_database: tuple[str, str], tmp_path: Path
) -> None:
    assert HUB.is_file(), f"{HUB} not found: install the project into the venv (pip install -e .)"
    server_url, database_url = fresh_database
    migrate, seed, serve = _hub_steps(compose_config)
    port = _free_port()
    env = _hub_env(compose_config, database_url, port, tmp_path / "var")
    (tmp_path / "var").mkdir()

    await _run_step([str(HUB), *migrate[1:]], env)
    tables, rows_after_migrate = await _count_rows(server_url, database_url)
    assert tables > 0, "`hub migrate` created no table in HUB_DATABASE_URL's database"

    await _run_step([str(HUB), *seed[1:]], env)
    _, rows_after_seed = await _count_rows(server_url, database_url)
    assert rows_after_seed > rows_after_migrate, "`hub seed` wrote no row"

    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: ASYNC220 - a long-running child, waited for below
            [str(HUB), *serve[1:]],
            env=env,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        await _wait_for_health(f"http://127.0.0.1:{port}/healthz", server, log)
        # The service's own health check, as compose would run it in the container.
        check = _healthcheck_test(_service(compose_config, "hub"))
        assert check[:2] == ["CMD", "python"]
        await _run_step([sys.executable, *check[2:]], env)
    finally:
        _stop(server)
