"""A running hub picks up a changed policy: on `hub policy reload`, and by itself in development."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from policy.enforcer import POLICY_PATH
from tests.conftest import Hub
from tests.services.hub_process import HUB, hub_process

QUERY_QUICK = "{ cases(first: 1) { edges { node { worker { name } } } } }"
GRANT = "p, 5, analyst, *, *, Case.quick, read, allow, allow\n"


async def _analyst_codes(url: str, hub: Hub) -> list[str]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql", json={"query": QUERY_QUICK}, headers=hub.headers("analyst")
        )
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def _eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 10) -> None:
    """Poll `check` (a server in another process: there is no event to wait on)."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.2)


async def test_policy_reload_command_reaches_the_running_hub(sqlite_hub: Hub, tmp_path: Path):
    # given a production hub serving a copy of the policy
    policy = tmp_path / "policy.csv"
    shutil.copy(POLICY_PATH, policy)
    env = {"HUB_ENV": "production", "HUB_POLICY_FILE": str(policy)}
    prod = sqlite_hub.settings.token.secret
    with hub_process(sqlite_hub, None, tmp_path / "data", HUB_TOKEN_SECRET=prod, **env) as url:
        assert await _analyst_codes(url, sqlite_hub) == ["FORBIDDEN"]
        # when the file grants analysts QUICK, it does not apply until reloaded
        policy.write_text(policy.read_text() + GRANT)
        await asyncio.sleep(1.5)
        assert await _analyst_codes(url, sqlite_hub) == ["FORBIDDEN"]
        # then `hub policy reload` (SIGHUP to the pid in the data folder) applies it
        process = await asyncio.create_subprocess_exec(
            HUB, "policy", "reload", "--pid-file", str(tmp_path / "data" / "hub.pid")
        )
        assert await process.wait() == 0

        async def granted() -> bool:
            return await _analyst_codes(url, sqlite_hub) == []

        await _eventually(granted)


async def test_development_hub_reloads_a_changed_policy_file(sqlite_hub: Hub, tmp_path: Path):
    policy = tmp_path / "policy.csv"
    shutil.copy(POLICY_PATH, policy)
    with hub_process(sqlite_hub, None, tmp_path / "data", HUB_POLICY_FILE=str(policy)) as url:
        assert await _analyst_codes(url, sqlite_hub) == ["FORBIDDEN"]
        policy.write_text(policy.read_text() + GRANT)

        async def granted() -> bool:
            return await _analyst_codes(url, sqlite_hub) == []

        await _eventually(granted)
