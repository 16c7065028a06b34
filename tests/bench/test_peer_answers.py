"""The bench's peers answer the bench's operations as the hub does (bench/answers.py).

The hub in process, the hand-written peer and the Apollo Server peer as processes of their
own, all over the test session's seeded PostgreSQL databases (the peers over their copy).
No timing: what is held is that the answers agree, so `make bench` compares like with like.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from bench.answers import (
    DIFFERENT,
    ERROR_ORDER,
    FORMATTING,
    IDENTICAL,
    KEY_ORDER,
    compare,
    verdict,
)
from bench.databases import fresh_databases
from bench.peer_tables import copy_hub_tables
from bench.peers import apollo_peer, baseline_peer
from bench.scenarios import STATE_WORKER, other_states_case, scenarios
from tests.conftest import Hub
from tests.services.postgres import postgres_server_url
from tests.services.servers import serve_app

ANSWER = {
    "data": {"case": {"participants": [{"ssn": "***-**-0176"}, {"ssn": "***-**-6538"}]}},
    "errors": [
        {"message": "not allowed", "path": ["case", "participants", 0, "dateOfBirth"]},
        {"message": "not allowed", "path": ["case", "participants", 1, "dateOfBirth"]},
    ],
}


def _bytes(value: object, **options: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), **options).encode()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def peer_database(postgres_hub: Hub) -> Iterator[str]:
    with fresh_databases(postgres_server_url(), ("peer",), "test") as urls:
        asyncio.run(copy_hub_tables(postgres_hub.settings.database_urls, urls["peer"]))
        yield urls["peer"]


def test_peers_answer_both_operations_as_the_hub_does_for_both_roles(
    postgres_hub: Hub, peer_database: str, tmp_path: Path
) -> None:
    # given
    fcr = postgres_hub.settings.database_urls["fcr"]
    case_id = asyncio.run(other_states_case(fcr, STATE_WORKER.jurisdiction))
    measured = scenarios(postgres_hub.settings.token, case_id)
    # when
    with (
        serve_app(create_app(postgres_hub.settings)) as hub_url,
        baseline_peer(postgres_hub.settings, peer_database, tmp_path) as baseline,
        apollo_peer(postgres_hub.settings, peer_database, tmp_path) as apollo,
    ):
        comparisons = compare(
            hub_url, {apollo.name: apollo.url, baseline.name: baseline.url}, measured
        )
    # then
    assert len(comparisons) == 2 * 4
    differing = [(c.scenario.label, c.peer, c.detail) for c in comparisons if c.semantic]
    assert differing == []


def test_verdict_identical_bytes() -> None:
    assert verdict(_bytes(ANSWER), _bytes(ANSWER)) == (IDENTICAL, "")


def test_verdict_keys_in_another_order() -> None:
    # given
    errors_first = {"errors": ANSWER["errors"], "data": ANSWER["data"]}
    # when
    found = verdict(_bytes(ANSWER), _bytes(errors_first))
    # then
    assert found == (KEY_ORDER, "")


def test_verdict_same_json_written_otherwise() -> None:
    assert verdict(_bytes(ANSWER), json.dumps(ANSWER, indent=1).encode())[0] == FORMATTING


def test_verdict_errors_in_another_order() -> None:
    # given
    errors = ANSWER["errors"]
    assert isinstance(errors, list)
    swapped = {**ANSWER, "errors": [errors[1], errors[0]]}
    # when
    found = verdict(_bytes(ANSWER), _bytes(swapped))
    # then
    assert found == (ERROR_ORDER, "")


def test_verdict_an_unmasked_ssn_is_a_difference_named_by_where_not_what() -> None:
    # given
    unmasked = json.loads(_bytes(ANSWER))
    unmasked["data"]["case"]["participants"][1]["ssn"] = "986-44-6538"
    # when
    found, where = verdict(_bytes(ANSWER), _bytes(unmasked))
    # then
    assert found == DIFFERENT
    assert where == ".data.case.participants[1].ssn: the values differ"
    assert "6538" not in where
