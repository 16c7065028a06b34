"""Reloading the policy without a restart: on SIGHUP, and on file change in development."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path

from policy.gate import Gate, PolicyError

logger = logging.getLogger("hub.policy")


def reload_or_keep(gate: Gate) -> bool:
    """Reload; on an invalid policy keep serving the one loaded before."""
    try:
        gate.reload()
    except PolicyError as error:
        logger.error("policy not reloaded, the previous one stays: %s", error)
        return False
    return True


def install_reload_signal(gate: Gate) -> bool:
    """Reload on SIGHUP (`hub policy reload` sends it); False where signals cannot be had."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload_or_keep, gate)
    except (NotImplementedError, RuntimeError, ValueError):
        return False  # not the main thread (embedded servers in tests), or no signals here
    return True


def _stamp(paths: tuple[Path, ...]) -> tuple[float, ...]:
    return tuple(path.stat().st_mtime if path.exists() else 0.0 for path in paths)


async def watch_policy_files(gate: Gate, interval: float = 1.0) -> None:
    """Reload whenever the model or policy file changes (development mode)."""
    paths = gate.policy_files
    seen = _stamp(paths)
    while True:
        await asyncio.sleep(interval)
        current = _stamp(paths)
        if current != seen:
            seen = current
            reload_or_keep(gate)


@contextlib.asynccontextmanager
async def policy_reloading(gate: Gate, *, watch: bool) -> AsyncIterator[None]:
    """Signal handler for the server's life, and a file watcher when `watch`."""
    install_reload_signal(gate)
    task = asyncio.create_task(watch_policy_files(gate)) if watch else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
