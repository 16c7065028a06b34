"""HTTP/1.1 as uvicorn speaks it, with the hub's answer to a request it cannot even parse.

uvicorn refuses a request whose head h11 cannot parse (malformed, or headers past the
buffer) itself, before any ASGI app sees it, with a plain-text 400. This protocol gives
that refusal the JSON error body and contract code of every other refusal
(`transport.error_body`), and takes
headers up to `MAX_HEADER_BYTES` (h11's default is 16 KiB), far below the body limit.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from transport.error_body import JSON, error_body

MAX_HEADER_BYTES = 256 * 1024
"""The request line and headers of one request, at most."""

_REFUSAL = error_body(
    f"Not an HTTP request (or headers over {MAX_HEADER_BYTES} bytes).", "BAD_USER_INPUT"
)


class HubH11Protocol(H11Protocol):
    """uvicorn's h11 protocol; refusals are GraphQL errors with a contract code."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],  # uvicorn's own type
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if config.h11_max_incomplete_event_size is None:
            self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)

    def send_400_response(self, msg: str) -> None:
        headers = [(b"content-type", JSON.encode()), (b"connection", b"close")]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=_REFUSAL),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()
