"""The compose deployment routes and listens exactly as the local gateway does (routes.json).

The local nginx gateway is rendered with the default ports into a temporary folder and its
``location`` blocks are read back: each prefix -> port must be a Traefik router -> the service's
web container on that port, which gunicorn binds, the image exposes and the health check calls.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gateway
import images
import pytest
import traefik
import yaml
from services import all_services

LOCATION = re.compile(
    r"location (\S+) \{\s*set \$ems_service (\w+);\s*proxy_pass http://[\d.]+:(\d+);"
)
RULE = re.compile(r"^PathPrefix\(`([^`]+)`\)$")


@pytest.fixture(scope="module")
def nginx_routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, int]]:
    """prefix -> (service, port) of the local gateway, rendered with routes.json's defaults."""
    var = tmp_path_factory.mktemp("gateway")
    conf = gateway.render({"EMS_VAR_DIR": str(var)})
    found = {prefix: (name, int(port)) for prefix, name, port in LOCATION.findall(conf.read_text())}
    assert found, f"no proxied location in {conf}"
    return found


@pytest.fixture(scope="module")
def traefik_routes(services: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """prefix -> (compose container, port) of Traefik's routers."""
    dynamic = yaml.safe_load(traefik.DYNAMIC_FILE.read_text())["http"]
    routes = {}
    for router in dynamic["routers"].values():
        match = RULE.match(router["rule"])
        assert match, f"unexpected Traefik rule {router['rule']}"
        for server in dynamic["services"][router["service"]]["loadBalancer"]["servers"]:
            url = urlsplit(server["url"])
            assert url.hostname in services, f"Traefik points at unknown container {url.hostname}"
            routes[match.group(1)] = (url.hostname, url.port or 80)
    return routes


def test_traefik_serves_every_route_of_the_local_gateway(
    nginx_routes: dict[str, tuple[str, int]], traefik_routes: dict[str, tuple[str, int]]
) -> None:
    # WebSocket prefixes served by a process of their own go to that process's container.
    ws_containers = {
        prefix: container
        for service in all_services()
        if (container := traefik.websocket_container(service))
        for prefix in service.websocket_prefixes
    }
    expected = {
        prefix: (ws_containers.get(prefix, f"{service}-web"), port)
        for prefix, (service, port) in nginx_routes.items()
    }
    api_routes = {prefix: target for prefix, target in traefik_routes.items() if prefix != "/"}
    assert api_routes == expected


def test_root_goes_to_the_frontend(traefik_routes: dict[str, tuple[str, int]]) -> None:
    assert traefik_routes["/"] == (traefik.FRONTEND_SERVICE, traefik.FRONTEND_PORT)


def test_web_containers_listen_where_traefik_sends(services: dict[str, Any]) -> None:
    for service in all_services():
        container = services[traefik.web_name(service)]
        port = service.default_port
        script = " ".join(str(word) for word in container["command"])
        assert f"--bind=0.0.0.0:{port}" in script, service.name
        health = container["healthcheck"]["test"]
        assert health[-1] == f"http://127.0.0.1:{port}{service.health_path}", service.name
        dockerfile = images.dockerfile_path(service).read_text()
        exposed = re.findall(r"^EXPOSE (.+)$", dockerfile, flags=re.MULTILINE)
        assert str(port) in exposed[0].split(), service.name


def test_websocket_containers_listen_where_traefik_sends(services: dict[str, Any]) -> None:
    for service in all_services():
        container = traefik.websocket_container(service)
        if container is None:
            continue
        environment = services[container]["environment"]
        assert service.websocket_port_env, service.name
        assert environment[service.websocket_port_env] == str(service.websocket_default_port)
        assert environment[f"{service.websocket_port_env.removesuffix('_PORT')}_HOST"] == "0.0.0.0"


def with_defaults(text: str) -> str:
    """A compose value with every ``${VAR:-default}`` at its default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)


def test_published_ports(services: dict[str, Any]) -> None:
    """By default Traefik on 80 and meters' AMQP on every address, the management UI on the
    server only; EMS_HTTP_PORT, EMS_AMQP_PORT, EMS_RABBITMQ_UI_PORT, EMS_PUBLISH_ADDRESS move
    them (the deployment test runs beside a host's own PostgreSQL and RabbitMQ)."""
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert [with_defaults(port) for port in published.pop("traefik")] == ["0.0.0.0:80:80"]
    rabbitmq = sorted(with_defaults(str(port)) for port in published.pop("rabbitmq"))
    assert rabbitmq == ["0.0.0.0:5672:5672", "127.0.0.1:15672:15672"]
    # The HA profile's other nodes: AMQP for meters, EMS_AMQP_PORT_2 and _3.
    assert [with_defaults(port) for port in published.pop("rabbitmq-2")] == ["0.0.0.0:5673:5672"]
    assert [with_defaults(port) for port in published.pop("rabbitmq-3")] == ["0.0.0.0:5674:5672"]
    # PostgreSQL and every service stay on the compose network; Traefik is the way in.
    assert {name: ports for name, ports in published.items() if ports} == {}


def test_postgres_creates_every_service_database(services: dict[str, Any]) -> None:
    environment = services["postgres"]["environment"]
    for service in all_services():
        assert environment[service.db_env] == f"${{{service.db_env}:-{service.default_db}}}"
    mounts = services["postgres"]["volumes"]
    init = "./postgres/init-databases.sh:/docker-entrypoint-initdb.d/init-databases.sh:ro"
    assert init in mounts
    assert Path(images.INIT_DB_FILE).stat().st_mode & 0o111, "init script must be executable"


def test_websocket_locations_keep_the_token_out_of_the_access_log(tmp_path: Path) -> None:
    # The access token rides in the WebSocket URL's query string; $request would log it.
    conf = gateway.render({"EMS_VAR_DIR": str(tmp_path)}).read_text()
    formats = dict(re.findall(r"log_format (\w+) ((?:'[^']*'\s*)+);", conf))
    assert "$request " not in formats["gateway_ws"] and "$args" not in formats["gateway_ws"]
    prefixes = [p for s in all_services() for p in s.websocket_prefixes]
    assert prefixes
    for prefix in prefixes:
        block = conf.split(f"location {prefix} {{", 1)[1].split("}", 1)[0]
        assert "access_log /dev/stdout gateway_ws;" in block, prefix
