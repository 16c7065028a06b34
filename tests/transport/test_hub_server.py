"""`HubServer` stopping in-process: sockets closed with 1001 first, then uvicorn's shutdown.

The server runs on a thread of its own (so no signal handlers: `handle_exit` is called as
the signal would call it). `tests/test_graceful_shutdown.py` stops a real `hub serve`.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from app import create_app
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber
from tests.services.servers import free_port
from transport.draining import Draining
from transport.http_protocol import HubH11Protocol
from transport.hub_server import HubServer

WAIT_SECONDS = 20


@contextmanager
def _hub_server(hub: Hub) -> Iterator[tuple[str, HubServer, threading.Thread]]:
    draining = Draining()
    port = free_port()
    config = uvicorn.Config(
        create_app(hub.settings, draining=draining),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=HubH11Protocol,
        timeout_graceful_shutdown=5,
    )
    server = HubServer(config, draining=draining)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server stopped while starting"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", server, thread
    finally:
        server.should_exit = True
        thread.join(WAIT_SECONDS)


async def test_exit_closes_subscribers_with_1001_and_stops_the_server(hub: Hub) -> None:
    with _hub_server(hub) as (url, server, thread):
        async with subscriber(url) as one, subscriber(url) as two:
            token = hub.token("state_worker", jurisdiction="06")
            assert (await one.init(token))["type"] == "connection_ack"
            assert (await two.init(token))["type"] == "connection_ack"
            await one.subscribe()
            assert server.draining.open_sockets == 2
            # when the server is told to exit, as SIGTERM tells it
            server.handle_exit(signal.SIGTERM, None)
            # then readiness is over at once, and both sockets are closed with 1001
            assert server.draining.started
            assert await one.closed_with(WAIT_SECONDS) == 1001
            assert await two.closed_with(WAIT_SECONDS) == 1001
        await asyncio.to_thread(thread.join, WAIT_SECONDS)
        assert not thread.is_alive()
        assert server.draining.open_sockets == 0


async def test_a_socket_accepted_while_draining_is_closed_with_1001(hub: Hub) -> None:
    with _hub_server(hub) as (url, server, _thread):
        server.draining.begin()  # the signal came; the listener is not closed yet
        async with subscriber(url) as late:
            assert await late.closed_with(WAIT_SECONDS) == 1001
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            assert (await http.get("/readyz")).status_code == 503
            assert (await http.get("/healthz")).status_code == 200  # alive while it drains
