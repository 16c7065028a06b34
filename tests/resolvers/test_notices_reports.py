"""Termination notices through real HTTP come only from reports, never from the seed."""

from __future__ import annotations

import httpx

from tests.conftest import Hub
from tests.resolvers.queries import post


async def test_notices_come_only_from_reports_not_from_the_seed(http: httpx.AsyncClient, hub: Hub):
    # the shared seeded hub is never reported to, so it holds no termination notices
    headers = hub.headers("state_worker", jurisdiction="06")
    data = await post(http, headers, "{ terminationNotices { totalCount } }")
    assert data == {"terminationNotices": {"totalCount": 0}}
