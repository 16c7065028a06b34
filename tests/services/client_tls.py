"""The one TLS context the test suite's own HTTP clients share.

An `httpx` client made without one builds a fresh context and loads every certificate
authority into it, about 20 ms each time; the suite makes a client per test. The hub's
loopback URLs are plain HTTP, so the context is never used to verify anything there:
sharing it only saves building it again.
"""

from __future__ import annotations

import ssl

import httpx

CLIENT_TLS: ssl.SSLContext = httpx.create_ssl_context()
"""httpx's own default context (the certifi authorities), built once."""
