"""The Python end of graphiql_driver.mjs: headless Chromium in GraphiQL, one command at a time."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
SCRIPT = FOLDER / "graphiql_driver.mjs"
CHROMIUM = Path("/usr/bin/chromium")
PLAYWRIGHT = FOLDER / "node_modules" / "playwright-core" / "package.json"


def missing_prerequisite() -> str | None:
    """What the browser tests lack, said so that a person knows what to run; None if nothing."""
    if not CHROMIUM.is_file():
        return (
            f"{CHROMIUM} is missing: run `make tools` as root"
            " (it installs Debian's chromium and chromium-driver)"
        )
    if shutil.which("node") is None:
        return "node is missing: install Node.js and npm (they also build GraphiQL's assets)"
    if not PLAYWRIGHT.is_file():
        return "playwright-core is missing from tests/browser: run `make test-browser` (npm ci)"
    return None


class BrowserCommandFailed(AssertionError):
    """Chromium could not do what the test asked; the message carries the driver's account."""


class GraphiQLBrowser:
    """One Chromium, driven through GraphiQL by graphiql_driver.mjs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def call(self, op: str, *, seconds: float = 60, **arguments: Any) -> Any:
        """Run one operation of graphiql_driver.mjs; its result, or BrowserCommandFailed."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, **arguments}).encode() + b"\n")
        await self.process.stdin.drain()
        async with asyncio.timeout(seconds):
            line = await self.process.stdout.readline()
        if not line:
            raise BrowserCommandFailed(f"the browser driver ended during {op}")
        reply: dict[str, Any] = json.loads(line)
        if not reply["ok"]:
            raise BrowserCommandFailed(f"{op}: {reply['error']}")
        return reply["result"]


@asynccontextmanager
async def graphiql_browser(log: Path) -> AsyncIterator[GraphiQLBrowser]:
    """A driver process with its own Chromium; the driver's stderr goes to `log`."""
    with log.open("wb") as errors:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(SCRIPT),
            cwd=FOLDER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
    browser = GraphiQLBrowser(process)
    try:
        yield browser
    finally:
        try:
            await browser.call("close", seconds=30)
        except (BrowserCommandFailed, TimeoutError, ConnectionError):
            pass
        if process.stdin is not None:
            process.stdin.close()
        try:
            async with asyncio.timeout(30):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
