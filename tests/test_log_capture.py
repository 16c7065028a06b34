"""The session's log scan (tests/log_capture.py): what it finds, and that it fails the run."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.log_capture import LogCapture, scan_report, ssn_findings

PROJECT = Path(__file__).resolve().parent.parent
SSN = "912-34-5678"
"""Synthetic (area 9xx): no person's."""


def _record(name: str, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, None)


def test_log_scan_detector_catches_an_ssn_in_a_line():
    # given a capture of its own, fed a record directly (not through the session's loggers)
    capture = LogCapture()
    capture.handle(_record("hub.selftest", "ssn %s", SSN))
    # when its lines are scanned
    findings = ssn_findings(capture.lines)
    # then the line with the SSN is found, as are bare and known values, and clean lines pass
    assert findings == [f"ERROR hub.selftest ssn {SSN}"]
    assert ssn_findings(["matched 912345678"]) == ["matched 912345678"]
    assert ssn_findings(["born 1977-04-16"], literals=["1977-04-16"]) == ["born 1977-04-16"]
    assert ssn_findings(['{"dateOfBirth": "1977-04-16"}']) == ['{"dateOfBirth": "1977-04-16"}']
    assert ssn_findings(["ssn ***-**-5678", "port 54321", "2024-05-01 12:00:00"]) == []


def test_log_scan_report_names_the_logger_and_never_the_value():
    # given a capture with one clean line and two with PII, from two loggers
    capture = LogCapture()
    capture.handle(_record("uvicorn.access", "GET /healthz 200"))
    capture.handle(_record("hub.audit", "subject %s", SSN))
    capture.handle(_record("resolvers.quick", "born %s", "1977-04-16"))
    # when it is scanned with the seeded birth date known
    report = scan_report(capture, ["1977-04-16"])
    # then the report names both loggers and kinds, and holds neither value
    assert report is not None
    assert "'hub.audit': 1 line(s) with a SSN" in report
    assert "'resolvers.quick': 1 line(s) with a seeded value" in report
    assert "2 of 3 log lines" in report
    assert SSN not in report
    assert "1977-04-16" not in report
    assert scan_report(LogCapture()) is None


def _run_pytest(folder: Path, message: str) -> subprocess.CompletedProcess[str]:
    """Pytest in a process of its own on one test that logs `message`, with the scan plugin."""
    (folder / "conftest.py").write_text('pytest_plugins = ("tests.log_capture",)\n')
    (folder / "test_logs.py").write_text(
        "import logging\n\n\n"
        "def test_logs():\n"
        f"    logging.getLogger('hub.leaky').warning({message!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    env.pop("COVERAGE_PROCESS_CONFIG", None)  # the inner run is not the hub's code
    return subprocess.run(
        # --show-capture=no: pytest itself echoes a failing test's own log lines; what is
        # checked here is the scan's report
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--show-capture=no",
            str(folder),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_a_session_that_logs_an_ssn_fails_and_a_clean_one_passes(tmp_path: Path):
    # given two tiny test folders under the scan plugin: one logs an SSN, one does not
    leaky, clean = tmp_path / "leaky", tmp_path / "clean"
    leaky.mkdir()
    clean.mkdir()
    # when pytest runs each in a process of its own
    leaked = _run_pytest(leaky, f"matched subject {SSN}")
    passed = _run_pytest(clean, "matched subject ***-**-5678")
    # then the leaking run's test passes, yet the session teardown fails the run
    # (non-zero exit), naming the logger and not the value
    output = leaked.stdout + leaked.stderr
    assert leaked.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert "1 passed, 1 error" in output
    assert "'hub.leaky': 1 line(s) with a SSN" in output
    assert SSN not in output
    # and the clean run exits 0
    assert passed.returncode == pytest.ExitCode.OK, passed.stdout + passed.stderr


def test_log_scan_sees_the_fields_a_call_passes_in_extra():
    # given a record whose message is clean and whose `extra` field (as the JSON formatter
    # writes it, and as the access line is made) holds an SSN; made directly, as
    # `Logger.makeRecord` would with `extra`, so that the session's own scan does not see it
    record = _record("hub.selftest", "request")
    record.operation = SSN
    capture = LogCapture()
    capture.handle(record)
    # then the scan finds it, and a record without such fields stays one plain line
    assert ssn_findings(capture.lines) == [capture.lines[0]]
    assert '"operation": "912-34-5678"' in capture.lines[0]
    capture.handle(_record("hub.selftest", "clean"))
    assert capture.lines[1] == "ERROR hub.selftest clean"
