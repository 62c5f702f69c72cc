"""Traefik (compose) sends the same security headers as the local gateway, path by path.

The local gateway is rendered and run (the real nginx, on a free port) in front of a stub
service that sends its own, different values for those headers; each sample path's response
headers are read back. Traefik's side is its dynamic.yml: the router a path reaches (Traefik's
rule: the highest priority, by default the longest rule) and that router's header middlewares.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gateway
import pytest
import requests
import security_headers
import traefik
import yaml
from services import all_services, free_port, nginx_binary, process_commands

RULE = re.compile(r"^PathPrefix\(`([^`]+)`\)$")

# The header names either gateway sets; anything else (Date, Server, ...) is not compared.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
)
# What a careless service might send: the gateway's values must win.
SERVICE_VALUES = {
    "Content-Security-Policy": "default-src *",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "unsafe-url",
}


def sample_paths() -> list[str]:
    paths = ["/", "/login", "/energy?device=x", "/index.html", "/assets/missing.js", "/api/nope/"]
    for service in all_services():
        paths += [f"{service.prefix}health/", f"{service.prefix}docs/", *service.websocket_prefixes]
    return paths


class StubService(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        for name, value in SERVICE_VALUES.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_gateway(var_dir: Path, services_port: int) -> Iterator[str]:
    """The rendered gateway, running, with every service (and WebSocket) port on one port."""
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (scripts/stack.py setup installs it)")
    env = {"EMS_VAR_DIR": str(var_dir), "GATEWAY_PORT": str(free_port())}
    for service in all_services():
        env[service.port_env] = str(services_port)
        if service.websocket_port_env:
            env[service.websocket_port_env] = str(services_port)
    gateway.check(gateway.render(env))
    command = process_commands(env, quiet=True)["gateway"].removeprefix("exec ")
    nginx = subprocess.Popen(shlex.split(command), stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    try:
        wait_until_listening(url, nginx)
        yield url
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


@pytest.fixture(scope="module")
def local_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    stub = ThreadingHTTPServer(("127.0.0.1", 0), StubService)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        with running_gateway(tmp_path_factory.mktemp("gateway"), stub.server_address[1]) as url:
            yield url
    finally:
        stub.shutdown()


def wait_until_listening(url: str, nginx: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            stderr = nginx.stderr.read().decode() if nginx.stderr else ""
            pytest.fail(f"the gateway's nginx exited: {stderr}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    pytest.fail(f"the gateway did not listen at {url}")


def nginx_headers(url: str, path: str) -> dict[str, str]:
    response = requests.get(url + path, timeout=5)
    return {name: response.headers[name] for name in SECURITY_HEADERS if name in response.headers}


def traefik_headers(dynamic: dict[str, Any], path: str) -> dict[str, str]:
    """The headers Traefik's middlewares set on the response of the router ``path`` reaches."""
    matching = []
    for name, router in dynamic["routers"].items():
        match = RULE.match(router["rule"])
        assert match, f"unexpected Traefik rule {router['rule']}"
        if path.startswith(match.group(1)):
            matching.append((router.get("priority", len(router["rule"])), name))
    assert matching, f"no Traefik router for {path}"
    router = dynamic["routers"][max(matching)[1]]
    headers: dict[str, str] = {}
    for middleware in router.get("middlewares", []):
        headers.update(dynamic["middlewares"][middleware]["headers"]["customResponseHeaders"])
    return headers


@pytest.mark.parametrize("path", sample_paths())
def test_traefik_sends_the_local_gateways_security_headers(local_gateway: str, path: str) -> None:
    dynamic = yaml.safe_load(traefik.DYNAMIC_FILE.read_text())["http"]
    local = nginx_headers(local_gateway, path)
    assert set(local) == set(SECURITY_HEADERS), f"{path}: the local gateway sent {local}"
    assert traefik_headers(dynamic, path) == local, path


def test_the_gateway_replaces_a_services_own_values(local_gateway: str) -> None:
    for service in all_services():
        response = requests.get(f"{local_gateway}{service.prefix}health/", timeout=5)
        for name, value in SERVICE_VALUES.items():
            # requests joins repeated headers with ", ": one value means one header.
            assert response.headers[name] != value, (service.name, name)
            assert value not in response.headers[name], (service.name, name)


def test_the_gateways_own_error_answers_carry_the_api_headers(tmp_path: Path) -> None:
    # No service listening: nginx answers 503 itself (@service_unavailable), headers included.
    with running_gateway(tmp_path, free_port()) as url:
        for service in all_services():
            for path in (f"{service.prefix}health/", security_headers.docs_prefix(service.prefix)):
                response = requests.get(url + path, timeout=5)
                assert response.status_code == 503, path
                headers = {name: response.headers.get(name) for name in SECURITY_HEADERS}
                assert headers == dict(security_headers.API), path


def test_the_frontend_nginx_adds_no_security_header_of_its_own() -> None:
    # In compose Traefik sets them; a second copy here would drift from the local gateway.
    text = (Path(traefik.COMPOSE_FILE).parent / "frontend" / "nginx.conf").read_text()
    assert not [name for name in SECURITY_HEADERS if name.lower() in text.lower()]
