"""The README's example operations, run exactly as written, with the tokens it names.

Every fenced ```graphql block of README.md is an example; the prose before it names the
token (`hub token ...`, minted here by the real CLI) and any variables. On a freshly
seeded hub each one answers without an error; the figures of its "Operation limits"
section are the code's.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from click.testing import CliRunner

from cli import main
from resolvers.ids import MAX_PAGE_SIZE
from schema.limits import MAX_ALIASES
from settings import TokenSettings
from tests.conftest import Hub, serving
from tests.services.client_tls import CLIENT_TLS
from tests.services.graphql_ws import subscriber
from tests.services.terminations import parent_notifying_one_state, report_termination

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
TOKEN_COMMAND = re.compile(r"`(hub token [^`]+)`")
VARIABLES = re.compile(r"variables `(\{[^`]*\})`")


@dataclass(frozen=True)
class Example:
    """One ```graphql block, and what the prose before it says to run it with."""

    line: int
    document: str
    token_command: str | None
    variables: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.document.lstrip().split(None, 1)[0].split("(")[0]


def readme_examples(text: str) -> list[Example]:
    examples = []
    prose_start = 0
    for fence in FENCE.finditer(text):
        prose = text[prose_start : fence.start()]
        prose_start = fence.end()
        if fence.group(1) != "graphql":
            continue
        commands = TOKEN_COMMAND.findall(prose)
        variables = VARIABLES.findall(prose)
        examples.append(
            Example(
                line=text.count("\n", 0, fence.start()) + 1,
                document=fence.group(2),
                token_command=commands[-1] if commands else None,
                variables=json.loads(variables[-1]) if variables else {},
            )
        )
    return examples


EXAMPLES = readme_examples(README.read_text("utf-8"))
IDS = [f"line-{example.line}-{example.kind}" for example in EXAMPLES]


def test_the_readme_has_examples_and_names_a_token_for_each():
    assert len(EXAMPLES) >= 5
    assert {example.kind for example in EXAMPLES} >= {"query", "{", "mutation", "subscription"}
    for example in EXAMPLES:
        assert example.token_command, f"README line {example.line}: which token runs this?"


def _minted(command: str, settings: TokenSettings) -> str:
    """The token `hub token ...` prints, run through the real CLI with development settings."""
    words = shlex.split(command)
    assert words[:2] == ["hub", "token"], command
    environment: dict[str, str | None] = {
        "HUB_ENV": "development",
        "HUB_TOKEN_SECRET": None,
        "HUB_TOKEN_ISSUER": None,
        "HUB_TOKEN_AUDIENCE": None,
        "HUB_TOKEN_ALGORITHM": None,
    }
    result = CliRunner().invoke(main, words[1:], env=environment, catch_exceptions=False)
    assert result.exit_code == 0, f"`{command}`: {result.output}"
    token = result.output.strip()
    # the hub under test takes what `hub token` mints with its default settings
    jwt.decode(token, settings.secret, algorithms=[settings.algorithm], audience=settings.audience)
    return token


@pytest.fixture(scope="module")
def readme_url(fresh_hub: Hub) -> Iterator[str]:
    with serving(fresh_hub.settings) as url:
        yield url


@pytest.fixture
async def http(readme_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=CLIENT_TLS, base_url=readme_url, timeout=30) as client:
        yield client


def _errors_anywhere(value: object) -> list[object]:
    """Every non-empty `errors` or `userErrors` list in an answer."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in ("errors", "userErrors") and v]
        return found + [e for v in value.values() for e in _errors_anywhere(v)]
    if isinstance(value, list):
        return [e for item in value for e in _errors_anywhere(item)]
    return []


async def _run_over_http(http: httpx.AsyncClient, example: Example, token: str) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": example.document, "variables": example.variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _run_subscription(
    http: httpx.AsyncClient, url: str, hub: Hub, example: Example, token: str
) -> dict[str, Any]:
    jurisdiction = jwt.decode(token, options={"verify_signature": False})["jurisdiction"]
    _, person = await parent_notifying_one_state(http, hub, jurisdiction)
    async with subscriber(url) as socket:
        assert (await socket.init(token))["type"] == "connection_ack"
        await socket.subscribe(example.document, example.variables)
        await asyncio.sleep(0.3)
        notice = await report_termination(http, hub, person)
        message = await socket.receive(15)
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]
    assert payload["data"]["terminationNotices"]["id"] == notice["id"]
    return payload


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
async def test_readme_example_runs_as_written(
    http: httpx.AsyncClient, readme_url: str, fresh_hub: Hub, example: Example
):
    # given the token the README names for this example
    assert example.token_command
    token = _minted(example.token_command, fresh_hub.settings.token)
    # when the example runs exactly as written
    if example.kind == "subscription":
        body = await _run_subscription(http, readme_url, fresh_hub, example, token)
    else:
        body = await _run_over_http(http, example, token)
    # then it answers data, and no error anywhere in it
    assert body.get("data"), body
    assert _errors_anywhere(body) == [], f"README line {example.line}: {body}"
    if example.kind == "mutation":
        await _the_release_happened_once(http, example, token, body)


async def _the_release_happened_once(
    http: httpx.AsyncClient, example: Example, token: str, first: dict[str, Any]
) -> None:
    """As the README says: released in an emergency, and a second run refused."""
    released = first["data"]["releasePassport"]["offsetCertification"]
    assert released == {"passportStatus": "EMERGENCY_RELEASED"}
    again = (await _run_over_http(http, example, token))["data"]["releasePassport"]
    assert again["offsetCertification"] is None
    assert [e["code"] for e in again["userErrors"]] == ["BAD_USER_INPUT"]


def test_readme_operation_limits_are_the_codes():
    text = README.read_text("utf-8")
    section = text[text.index("## Operation limits") :]
    section = section[: section.index("\n## ", 1)]
    assert f"| {MAX_PAGE_SIZE} (`resolvers/ids.py`, `MAX_PAGE_SIZE`)" in section
    assert f"| {MAX_ALIASES} (`schema/limits.py`, `MAX_ALIASES`)" in section
    leeway = TokenSettings(secret="", issuer="", audience="", algorithm="HS256").leeway_seconds
    assert f"| {leeway} s past `exp`" in section
