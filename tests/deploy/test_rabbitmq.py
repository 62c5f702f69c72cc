"""Compose's RabbitMQ: its start script grants the three identities what `make up` grants.

deploy/rabbitmq/init.sh is run here with sh (no engine needed) and its definitions file read
back. Which container knows which broker password: tests/deploy/test_compose.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rabbitmq_init

from ems_common.messaging import identities

# Passwords a shell or JSON could mangle, so the script has to quote and escape them.
ENV = {
    "RABBITMQ_VHOST": "ems",
    "RABBITMQ_USER": "svc",
    "RABBITMQ_PASS": 'svc "pass" \\ $HOME `id`',
    "RABBITMQ_ADMIN_USER": "op",
    "RABBITMQ_ADMIN_PASS": "op-pass-$1'",
    "RABBITMQ_METER_USER": "meter",
    "RABBITMQ_METER_PASS": "meter pass",
}


def run_init(
    tmp_path: Path, env: dict[str, str], *command: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(rabbitmq_init.INIT_SCRIPT), *command],
        env={"PATH": os.environ["PATH"], "EMS_RABBITMQ_CONF_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_init_script_writes_the_definitions_make_up_imports(tmp_path: Path) -> None:
    result = run_init(tmp_path, ENV, "sh", "-c", "env")
    assert result.returncode == 0, result.stderr

    written = json.loads((tmp_path / "ems-definitions.json").read_text())
    assert written == identities.definitions(ENV, "ems")
    meter = next(p for p in written["permissions"] if p["user"] == "meter")
    assert (meter["configure"], meter["write"], meter["read"]) == ("^$", r"^ems\.readings$", "^$")
    conf = (tmp_path / "conf.d" / "20-ems-definitions.conf").read_text()
    assert conf == f"load_definitions = {tmp_path / 'ems-definitions.json'}\n"
    assert (tmp_path / "ems-definitions.json").stat().st_mode & 0o077 == 0  # passwords inside
    # The server it then starts (here: env) does not get the passwords.
    assert "_PASS=" not in result.stdout
    assert "RABBITMQ_USER=svc" in result.stdout


def test_init_script_defaults_the_vhost_to_slash(tmp_path: Path) -> None:
    env = {name: value for name, value in ENV.items() if name != "RABBITMQ_VHOST"}
    assert run_init(tmp_path, env, "true").returncode == 0
    written = json.loads((tmp_path / "ems-definitions.json").read_text())
    assert written["vhosts"] == [{"name": "/"}]


@pytest.mark.parametrize("missing", rabbitmq_init.VARIABLES[1:])
def test_init_script_stops_without_a_user_or_password(tmp_path: Path, missing: str) -> None:
    env = {name: value for name, value in ENV.items() if name != missing}
    result = run_init(tmp_path, env, "true")
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (tmp_path / "ems-definitions.json").exists()


def test_init_script_refuses_one_user_for_two_roles(tmp_path: Path) -> None:
    result = run_init(tmp_path, {**ENV, "RABBITMQ_METER_USER": "svc"}, "true")
    assert result.returncode != 0
    assert "RABBITMQ_USER and RABBITMQ_METER_USER" in result.stderr


@pytest.mark.parametrize("node", ["rabbitmq", "rabbitmq-2", "rabbitmq-3"])
def test_compose_runs_the_init_script_before_rabbitmqs_entrypoint(
    services: dict[str, Any], node: str
) -> None:
    rabbitmq = services[node]
    assert rabbitmq["entrypoint"] == ["/bin/sh", "/ems/init.sh"]
    assert rabbitmq["command"] == ["docker-entrypoint.sh", "rabbitmq-server"]
    assert rabbitmq["healthcheck"]["test"] == ["CMD", "sh", "/ems/health.sh"]
    assert "./rabbitmq:/ems:ro" in rabbitmq["volumes"]
    assert rabbitmq["hostname"] == node  # the node's name, rabbit@<hostname>
    for name in [*rabbitmq_init.VARIABLES, "RABBITMQ_CLUSTER_NODES", "EMS_ERLANG_COOKIE"]:
        assert name in rabbitmq["environment"], name
    # The image's default user (guest, or a RABBITMQ_DEFAULT_USER) would be a fourth identity;
    # RABBITMQ_ERLANG_COOKIE, even empty, would be the CLI tools' cookie (the health check's).
    assert not [name for name in rabbitmq["environment"] if name.startswith("RABBITMQ_DEFAULT_")]
    assert "RABBITMQ_ERLANG_COOKIE" not in rabbitmq["environment"]


def test_the_ha_profile_adds_two_nodes_with_their_own_data(services: dict[str, Any]) -> None:
    assert "profiles" not in services["rabbitmq"]
    data = {services[node]["volumes"][0].split(":")[0] for node in ("rabbitmq-2", "rabbitmq-3")}
    assert len(data) == 2 and "rabbitmq-data" not in data
    for node in ("rabbitmq-2", "rabbitmq-3"):
        assert services[node]["profiles"] == ["ha"]
    # The services connect to the nodes EMS_RABBITMQ_NODES names, else to the one broker.
    assert services["auth-web"]["environment"]["RABBITMQ_HOST"] == "${EMS_RABBITMQ_NODES:-rabbitmq}"


def test_a_cluster_node_gets_its_nodes_and_cookie_and_the_server_neither(tmp_path: Path) -> None:
    me = socket.gethostname()
    cluster = {"RABBITMQ_CLUSTER_NODES": f"{me},mq-2,mq-3", "EMS_ERLANG_COOKIE": "c00kie"}
    env = {**ENV, **cluster, "EMS_RABBITMQ_DATA_DIR": str(tmp_path / "data")}
    result = run_init(tmp_path, env, "sh", "-c", "env")
    assert result.returncode == 0, result.stderr

    conf = (tmp_path / "conf.d" / "30-ems-cluster.conf").read_text().splitlines()
    assert conf == [
        "cluster_formation.peer_discovery_backend = classic_config",
        f"cluster_formation.classic_config.nodes.1 = rabbit@{me}",
        "cluster_formation.classic_config.nodes.2 = rabbit@mq-2",
        "cluster_formation.classic_config.nodes.3 = rabbit@mq-3",
    ]
    cookie = tmp_path / "data" / ".erlang.cookie"
    assert cookie.read_text() == "c00kie"
    assert cookie.stat().st_mode & 0o777 == 0o400
    assert "c00kie" not in result.stdout

    # The same node without the HA settings: one broker again.
    assert run_init(tmp_path, ENV, "true").returncode == 0
    assert not (tmp_path / "conf.d" / "30-ems-cluster.conf").exists()


def test_a_cluster_node_without_the_cookie_does_not_start(tmp_path: Path) -> None:
    result = run_init(tmp_path, {**ENV, "RABBITMQ_CLUSTER_NODES": "a,b,c"}, "true")
    assert result.returncode != 0
    assert "RABBITMQ_ERLANG_COOKIE" in result.stderr
