"""Fixtures: the two live hubs over each backend's session databases, and clients of both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.conftest import Hub
from tests.plans.paths import LiveHubs, Paths, paths_over, serving_both


@pytest.fixture(scope="module")
def live_hubs(hub: Hub) -> Iterator[LiveHubs]:
    """The compiled and the standard hub, served over real HTTP, over `hub`'s databases."""
    with serving_both(hub.settings) as hubs:
        yield hubs


@pytest.fixture(scope="module")
async def paths(hub: Hub, live_hubs: LiveHubs) -> AsyncIterator[Paths]:
    """Clients of both hubs, and the audit trail they both write to."""
    async with paths_over(hub.settings, live_hubs) as both:
        yield both
