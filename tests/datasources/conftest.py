"""Fixtures of the datasource tests: the session hub's audit database, emptied per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.engines import build_engine
from datasources.sql_audit import SqlAuditTrail
from tests.conftest import Hub
from tests.datasources.audit_support import wipe
from tests.services.moto_s3 import MotoS3, moto_s3_server


@pytest.fixture
async def audit_engine(hub: Hub) -> AsyncIterator[AsyncEngine]:
    """The hub's audit database (SQLite, then PostgreSQL), wiped before and after the test."""
    engine = build_engine(hub.settings.database_urls["audit"])
    await wipe(engine)
    yield engine
    await wipe(engine)
    await engine.dispose()


@pytest.fixture
def audit_trail(audit_engine: AsyncEngine) -> SqlAuditTrail:
    # small chunks, so that every verify crosses chunk boundaries
    return SqlAuditTrail(audit_engine, verify_chunk=4)


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    """One moto S3 server for the session's blob and checkpoint tests."""
    try:
        with moto_s3_server() as server:
            yield server
    except RuntimeError as error:
        pytest.fail(str(error))
