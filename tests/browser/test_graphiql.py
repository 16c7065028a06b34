"""GraphiQL as a person uses it: headless Chromium on a real `hub serve` process.

In development mode the page opens signed in as an analyst with the schema loaded, and
its sign-in panel mints a token for another role; a subscription typed into GraphiQL's
own editor receives a termination notice an employer reports meanwhile. In production
the page has no sign-in and the token route does not exist.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from tests.browser.driver import GraphiQLBrowser, graphiql_browser, missing_prerequisite
from tests.conftest import Hub, seeded_sqlite_hub
from tests.services.hub_process import hub_process
from tests.services.terminations import parent_notifying_one_state, report_termination

SUBSCRIPTION = (
    "subscription { terminationNotices(after: null) { id employeeName terminatedOn"
    " states { code } participant { id lastName } } }"
)
PRODUCTION_SECRET = "browser-test-production-secret-" * 3


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with seeded_sqlite_hub(tmp_path_factory) as hub:
        yield hub


@pytest.fixture(scope="module")
def development_url(seeded: Hub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with hub_process(seeded, None, tmp_path_factory.mktemp("hub-dev")) as url:
        yield url


@pytest.fixture(scope="module")
def production_url(seeded: Hub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("hub-prod")
    with hub_process(
        seeded, None, data_dir, HUB_ENV="production", HUB_TOKEN_SECRET=PRODUCTION_SECRET
    ) as url:
        yield url


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the screenshots go: HUB_BROWSER_SCREENSHOTS, to look at them, else tmp_path."""
    folder = Path(os.environ.get("HUB_BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[GraphiQLBrowser]:
    problem = missing_prerequisite()
    if problem:
        pytest.fail(f"the GraphiQL browser test cannot run: {problem}")
    async with graphiql_browser(tmp_path / "driver.log") as driver:
        yield driver


async def test_graphiql_subscription_receives_a_reported_notice(
    browser: GraphiQLBrowser, development_url: str, seeded: Hub, screenshots: Path
):
    async with httpx.AsyncClient(base_url=development_url, timeout=30) as http:
        state, person = await parent_notifying_one_state(http, seeded)
        # given GraphiQL open in development mode: signed in as an analyst, schema loaded
        assert (await browser.call("open", url=f"{development_url}/graphql"))["status"] == 200
        opened = await browser.call("waitForSignIn", contains="Schema loaded")
        assert opened == "Signed in as analyst. Schema loaded."
        await browser.call("screenshot", path=str(screenshots / "graphiql-opened.png"))
        # when a person signs in as a worker of the state the notice will notify
        signed_in = await browser.call("signIn", role="state_worker", jurisdiction=state)
        assert signed_in == {
            "error": None,
            "status": f"Signed in as state_worker {state}. Schema loaded.",
        }
        headers = json.loads(await browser.call("headers"))
        claims = jwt.decode(
            headers["Authorization"].removeprefix("Bearer "),
            seeded.settings.token.secret,
            algorithms=[seeded.settings.token.algorithm],
            audience=seeded.settings.token.audience,
        )
        assert (claims["role"], claims["jurisdiction"]) == ("state_worker", state)
        # and types the subscription into GraphiQL's editor and runs it
        assert await browser.call("setQuery", text=SUBSCRIPTION) == SUBSCRIPTION
        await browser.call("run")
        await browser.call("waitForFrame", direction="sent", type="subscribe")
        await asyncio.sleep(0.5)
        # and an employer reports the parent's termination over HTTP
        notice = await report_termination(http, seeded, person)
        # then the notice arrives in GraphiQL's result pane
        shown = await browser.call("waitForResponse", contains=notice["id"], seconds=60)
    await browser.call("screenshot", path=str(screenshots / "graphiql-notice.png"))
    result = json.loads(shown)
    assert "errors" not in result, result
    received = result["data"]["terminationNotices"]
    assert received["id"] == notice["id"]
    assert [s["code"] for s in received["states"]] == [state]
    assert received["participant"]["id"] == person["id"]
    # over a socket whose every frame was text, and with no error on the page
    frames = await browser.call("frames")
    assert [f["type"] for f in frames if f["direction"] == "received"][:1] == ["connection_ack"]
    assert {"next"} <= {f["type"] for f in frames if f["direction"] == "received"}
    assert all(f["text"] for f in frames), frames
    assert await browser.call("problems") == []


async def test_graphiql_sign_in_refuses_claims_the_role_lacks(
    browser: GraphiQLBrowser, development_url: str, screenshots: Path
):
    await browser.call("open", url=f"{development_url}/graphql")
    await browser.call("waitForSignIn", contains="Schema loaded")
    # when a person signs in as an employer with a malformed FEIN
    refused = await browser.call("signIn", role="employer", fein="12345")
    await browser.call("screenshot", path=str(screenshots / "graphiql-sign-in-refused.png"))
    # then the panel says what the FEIN must look like, and the analyst token stays
    assert refused["error"] == (
        'the fein of employer tokens must be a FEIN NN-NNNNNNN such as "90-0000001"'
    )
    assert refused["status"].startswith("Signed in as analyst.")
    token = json.loads(await browser.call("headers"))["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, options={"verify_signature": False})["role"] == "analyst"


async def test_production_graphiql_has_no_sign_in(
    browser: GraphiQLBrowser, production_url: str, screenshots: Path
):
    async with httpx.AsyncClient(base_url=production_url, timeout=30) as http:
        minted = await http.post("/graphiql/token", json={"role": "analyst"})
    assert minted.status_code == 404
    await browser.call("open", url=f"{production_url}/graphql")
    await browser.call("screenshot", path=str(screenshots / "graphiql-production.png"))
    state = await browser.call("signInState")
    assert state == {"panel": 0, "signInButton": 0, "status": None}
    assert "hub token --role analyst" in await browser.call("headers")
