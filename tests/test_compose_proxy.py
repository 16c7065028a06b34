"""The compose stack's reverse proxy (deploy/nginx/nginx.conf), checked and run for real.

Debian's nginx checks the file (`nginx -t`), then runs it in front of two hub servers
on loopback ports, the compose service names (`hub`, `hub2`) replaced by those ports:
HTTP requests and graphql-transport-ws subscriptions through the proxy reach both hubs.
A missing nginx fails these tests (install it with `make tools`); they are never skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from app import create_app
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber
from tests.services.servers import free_port, serve_app
from tests.test_compose import _service, compose_config  # noqa: F401 - a fixture used below

REPO = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO / "deploy" / "nginx" / "nginx.conf"
PROXY_DOCKERFILE = REPO / "deploy" / "nginx" / "Dockerfile"
INSTALL_HINT = (
    "nginx not found: install Debian's nginx with `make tools` (as root: apt-get install -y"
    " --no-install-recommends nginx-light); the proxy tests check and run its configuration"
)
REQUESTS = 12
VIEWER = "{ viewer { role } }"


def _nginx() -> str:
    found = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if found is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


class CountingApp:
    """Counts the HTTP requests and WebSockets one hub server received."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.seen[scope["type"]] += 1
        await self.app(scope, receive, send)


def _local_conf(tmp_path: Path, listen: int, upstreams: dict[str, str]) -> Path:
    """The proxy's file with the compose hosts, its port and its pid file made local."""
    text = NGINX_CONF.read_text()
    for host, address in upstreams.items():
        text, count = re.subn(rf"server {host}:8000\b", f"server {address}", text)
        assert count == 1, f"no `server {host}:8000` upstream in {NGINX_CONF.name}"
    text, count = re.subn(r"listen 8080;", f"listen 127.0.0.1:{listen};", text)
    assert count == 1, "the proxy must listen on 8080, the port compose publishes"
    text = text.replace("/tmp/", f"{tmp_path}/")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    return conf


def _nginx_test(conf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_nginx(), "-t", "-c", str(conf), "-p", str(conf.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_proxy_configuration_passes_nginx_t(tmp_path: Path) -> None:
    conf = _local_conf(tmp_path, free_port(), {"hub": "127.0.0.1:1", "hub2": "127.0.0.1:2"})
    result = _nginx_test(conf)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_proxy_passes_websockets_with_a_long_read_timeout() -> None:
    text = NGINX_CONF.read_text()
    assert "proxy_http_version 1.1;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", text)
    assert timeout, "no proxy_read_timeout"
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds >= 3600, "a quiet subscription would be cut by the proxy"
    assert "access_log off;" in text  # request lines can carry a GET query's personal data


def test_the_compose_proxy_is_built_from_this_configuration(
    compose_config: dict[str, Any],  # noqa: F811 - the fixture imported above
) -> None:
    proxy = _service(compose_config, "proxy")
    assert Path(proxy["build"]["dockerfile"]).name == PROXY_DOCKERFILE.name
    dockerfile = PROXY_DOCKERFILE.read_text()
    assert "COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.MULTILINE)
    ports = {
        str(port["target"]) if isinstance(port, dict) else str(port).rsplit(":", 1)[-1]
        for port in proxy["ports"]
    }
    assert ports == {"8080"}
    assert "/readyz" in " ".join(proxy["healthcheck"]["test"])


@pytest.fixture
def proxied_hubs(hub: Hub, tmp_path: Path) -> Iterator[tuple[str, list[CountingApp]]]:
    """Two hub servers behind the real nginx; yields the proxy's URL and the two hubs."""
    hubs = [CountingApp(create_app(hub.settings)) for _ in range(2)]
    with serve_app(hubs[0]) as first, serve_app(hubs[1]) as second:
        listen = free_port()
        upstreams = {"hub": first.removeprefix("http://"), "hub2": second.removeprefix("http://")}
        conf = _local_conf(tmp_path, listen, upstreams)
        log = tmp_path / "nginx.log"
        with log.open("wb") as output:
            proxy = subprocess.Popen(
                [_nginx(), "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            url = f"http://127.0.0.1:{listen}"
            _wait_listening(url, proxy, log)
            yield url, hubs
        finally:
            proxy.terminate()
            proxy.wait(30)


def _wait_listening(url: str, proxy: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proxy.poll() is not None:
            pytest.fail(f"nginx exited {proxy.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"nginx did not answer: {log.read_text()[-2000:]}")


async def test_the_proxy_balances_http_and_websocket_over_both_hubs(
    proxied_hubs: tuple[str, list[CountingApp]], hub: Hub
) -> None:
    url, hubs = proxied_hubs
    before = [counting.seen["http"] for counting in hubs]
    # when GraphQL requests go through the proxy
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for _ in range(REQUESTS):
            response = await http.post(
                "/graphql", json={"query": VIEWER}, headers=hub.headers("ocss_staff")
            )
            assert response.json() == {"data": {"viewer": {"role": "ocss_staff"}}}
        ready = await http.get("/readyz")
    # then both hubs answered some, and /readyz passes through
    served = [counting.seen["http"] - b for counting, b in zip(hubs, before, strict=True)]
    assert all(count > 0 for count in served), served
    assert sum(served) == REQUESTS + 1
    assert ready.status_code == 200
    # and two subscribers at once are upgraded through it, one to each hub
    token = hub.token("state_worker", jurisdiction="06")
    async with subscriber(url) as one, subscriber(url) as two:
        assert (await one.init(token))["type"] == "connection_ack"
        assert (await two.init(token))["type"] == "connection_ack"
        assert [counting.seen["websocket"] for counting in hubs] == [1, 1]
