"""No log line of the whole test session holds an SSN or a seeded date of birth.

This module's name sorts last, so its scan runs after every other test of the
session (tests/conftest.py installs the capture of tests/log_capture.py at start).
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from datasources.engines import build_engines, dispose_engines
from datasources.models.fcr import MisidentifiedSsnRow, ParticipantRow
from tests.conftest import Hub
from tests.log_capture import CAPTURE, LogCapture, ssn_findings

KNOWN_PARTICIPANTS = 40
"""How many seeded participants (by id) lend their SSN and date of birth to the scan."""


async def _known_values(hub: Hub) -> set[str]:
    """SSNs (with and without dashes) and birth dates of the first seeded participants."""
    engines = build_engines(dict(hub.settings.database_urls))
    try:
        async with engines["fcr"].connect() as connection:
            people = await connection.execute(
                select(ParticipantRow.ssn, ParticipantRow.date_of_birth)
                .order_by(ParticipantRow.id)
                .limit(KNOWN_PARTICIPANTS)
            )
            misidentified = await connection.execute(select(MisidentifiedSsnRow.ssn).limit(20))
            rows = list(people)
            extra = [row.ssn for row in misidentified]
    finally:
        await dispose_engines(engines)
    values = {row.date_of_birth.isoformat() for row in rows}
    for ssn in [row.ssn for row in rows] + extra:
        values |= {ssn, ssn.replace("-", "")}
    return values


def test_log_scan_detector_catches_an_ssn_in_a_line():
    # given a capture of its own, fed a record directly (not through the session's loggers)
    capture = LogCapture()
    record = logging.LogRecord(
        "hub.selftest", logging.ERROR, __file__, 1, "ssn %s", ("912-34-5678",), None
    )
    capture.handle(record)
    # when its lines are scanned
    findings = ssn_findings(capture.lines)
    # then the line with the SSN is found, as are bare and known values, and clean lines pass
    assert findings == ["ERROR hub.selftest ssn 912-34-5678"]
    assert ssn_findings(["matched 912345678"]) == ["matched 912345678"]
    assert ssn_findings(["born 1977-04-16"], literals=["1977-04-16"]) == ["born 1977-04-16"]
    assert ssn_findings(["ssn ***-**-5678", "port 54321", "2024-05-01 12:00:00"]) == []


async def test_log_scan_finds_no_ssn_or_birth_date_in_the_session_logs(
    sqlite_hub: Hub, postgres_hub: Hub
):
    # given the seeded SSNs and birth dates of both backends
    known = await _known_values(sqlite_hub) | await _known_values(postgres_hub)
    # when every log line the session produced so far is scanned
    lines = list(CAPTURE.lines)
    findings = ssn_findings(lines, literals=known)
    # then none holds an SSN or a seeded date of birth
    assert not findings, f"{len(findings)} of {len(lines)} log lines hold PII:\n" + "\n".join(
        findings[:20]
    )
