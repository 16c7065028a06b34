"""A loopback TCP proxy in front of the test PostgreSQL, to play a restart or an outage.

The server is shared by the whole suite (and by other test processes), so it is never
restarted for real: from the hub's side of the proxy, `drop()` is a restart (every open
connection dies, new ones are served again) and `refuse()` is a server that is down.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url

BUFFER_BYTES = 65536


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `upstream`; drops and refuses connections on request."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()
        self.accepting = True
        self.accepted = 0
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def behind(self, url: str) -> str:
        """`url` (a SQLAlchemy URL of the upstream server) through this proxy."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(False)

    def drop(self) -> None:
        """Kill every open connection (a restart, as the hub sees it)."""
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    def refuse(self) -> None:
        """Close every connection as soon as it is made (the server is down)."""
        self.accepting = False

    def serve(self) -> None:
        self.accepting = True

    async def close(self) -> None:
        self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.accepting:
            writer.transport.abort()
            return
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            pipe = asyncio.create_task(_pipe(source, sink, (writer, up_writer)))
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)


async def _pipe(
    source: asyncio.StreamReader,
    sink: asyncio.StreamWriter,
    both: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await source.read(BUFFER_BYTES):
            sink.write(chunk)
            await sink.drain()
    for writer in both:  # one side gone: so is the other
        writer.transport.abort()


@asynccontextmanager
async def proxy_to(url: str) -> AsyncIterator[TcpProxy]:
    """A running proxy to the server of `url` (a SQLAlchemy URL)."""
    parsed = make_url(url)
    proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
