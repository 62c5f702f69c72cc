"""The deployment test's HA part: `--profile ha`, three RabbitMQ nodes, one lost mid-stream.

The stack comes up with the HA profile's settings (docs/DEPLOYMENT.md): three nodes form one
cluster, every durable queue is a quorum queue on all three, every service and the simulator
may connect to any node. While the simulator streams readings to the three nodes' published
ports and an admin makes a stream of user and device changes, the node leading
``device_data_queue`` is stopped; then every reading must count exactly once and every change
must reach the services that keep a copy of it. The node is started again and must rejoin.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from compose_stack import (
    HA_NODES,
    Deployment,
    Failed,
    Flow,
    add_readings,
    days_exact,
    poll,
    sh,
    simulator_command,
    stream,
    unhealthy_containers,
)

STREAM_START = "2024-03-01T00:10:00"  # the stream's first reading (10-minute readings)
QUEUES = tuple(
    name
    for queue in ("device_data_queue", "sync_queue.user_service", "sync_queue.device_service",
                  "sync_queue.monitoring_service")
    for name in (queue, f"{queue}.dlq")
)  # fmt: skip


def rabbitmqctl(deployment: Deployment, node: str, *args: str) -> str:
    return sh(deployment.compose("exec", "-T", node, "rabbitmqctl", "-q", *args), quiet=True)


def running_nodes(deployment: Deployment, via: str) -> int:
    output = rabbitmqctl(deployment, via, "eval", "length(rabbit_mnesia:cluster_nodes(running)).")
    return int(output.strip().splitlines()[-1])


def quorum_queues(deployment: Deployment, via: str) -> dict[str, dict[str, Any]]:
    """Each durable queue's type, leader and members, as the cluster reports them."""
    output = rabbitmqctl(
        deployment, via, "list_queues", "name", "type", "leader", "members", "online",
        "--formatter", "json",
    )  # fmt: skip
    return {row["name"]: row for row in json.loads(output)}


def check_the_cluster_is_formed(deployment: Deployment) -> None:
    nodes = running_nodes(deployment, HA_NODES[0])
    if nodes != len(HA_NODES):
        raise Failed(f"{nodes} RabbitMQ nodes running in the cluster, not {len(HA_NODES)}")
    queues = quorum_queues(deployment, HA_NODES[0])
    for name in QUEUES:
        queue = queues.get(name)
        if queue is None or queue["type"] != "quorum" or len(queue["members"]) != len(HA_NODES):
            raise Failed(f"{name} is not a quorum queue on every node: {queue}")
    print(f"{nodes} nodes in one cluster; {', '.join(QUEUES)} are quorum queues with "
          f"{len(HA_NODES)} members; device_data_queue led by "
          f"{queues['device_data_queue']['leader']}", flush=True)  # fmt: skip


def connections_by_node(deployment: Deployment, via: str) -> dict[str, list[str]]:
    """The cluster's client connections (their connection_name) by the node holding each: the
    node whose address a connection's name (``client:port -> server:port``) ends at."""
    nodes = {node_address(deployment, node): node for node in HA_NODES}
    output = rabbitmqctl(
        deployment, via, "list_connections", "name", "client_properties", "--formatter", "json"
    )
    held: dict[str, list[str]] = {}
    for row in json.loads(output):
        server = str(row["name"]).rsplit(" -> ", 1)[-1].rsplit(":", 1)[0]
        node = nodes.get(server, server)
        held.setdefault(node, []).append(connection_name(row.get("client_properties")))
    return held


def node_address(deployment: Deployment, node: str) -> str:
    container = sh(deployment.compose("ps", "-q", node), quiet=True).split()[-1]
    template = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
    return sh(["docker", "inspect", "-f", template, container], quiet=True).strip()


@dataclass
class Changes:
    """A stream of user and device changes made through the API while a node is lost."""

    admin: Any
    deployment: Deployment
    device_id: str
    users: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        device = self.deployment.url(f"/api/devices/{self.device_id}/")
        n = 0
        while not self.stop.is_set():
            n += 1
            name = f"ha_{uuid.uuid4().hex[:8]}"
            body = {"username": name, "password": f"pw-{uuid.uuid4().hex}", "role": "client",
                    "full_name": f"HA {n}", "email": f"{name}@example.com"}  # fmt: skip
            try:
                user = self.admin.post(self.deployment.url("/api/auth/users/"), json=body,
                                       timeout=15)  # fmt: skip
                renamed = self.admin.patch(device, json={"name": f"HA meter {n}"}, timeout=15)
            except OSError as exc:
                self.errors.append(f"request failed: {exc}")
                continue
            if user.status_code != 201 or renamed.status_code != 200:
                self.errors.append(f"{user.status_code} {renamed.status_code}")
                continue
            self.users.append(user.json()["id"])
            self.names.append(f"HA meter {n}")
            self.stop.wait(0.3)

    def missing(self) -> list[str]:
        """The changes some service has not received (empty: every event arrived)."""
        missing = []
        for user_id in self.users:
            url = self.deployment.url(f"/api/users/{user_id}/")
            if self.admin.get(url, timeout=15).status_code != 200:
                missing.append(f"user {user_id} at user_service")
        detail = self.deployment.url(f"/api/monitoring/devices/{self.device_id}/")
        shown = self.admin.get(detail, timeout=15).json().get("name")
        if self.names and shown != self.names[-1]:
            missing.append(f"monitoring shows the device as {shown!r}, not {self.names[-1]!r}")
        return missing


def connection_name(properties: Any) -> str:
    """connection_name of rabbitmqctl's client_properties: an object, or [key, type, value]s."""
    if isinstance(properties, dict):
        return str(properties.get("connection_name", "?"))
    for entry in properties or []:
        if isinstance(entry, list) and entry and entry[0] == "connection_name":
            return str(entry[-1])
    return "?"


def check_losing_a_node_loses_nothing(deployment: Deployment, flow: Flow, count: int) -> None:
    """``count`` readings streamed to the three nodes and a stream of changes; the node leading
    device_data_queue stopped mid-stream: every reading stored once, every change arrived."""
    if flow.client is None or flow.admin is None:
        raise Failed("no client and device (the check before failed)")
    # The node to lose: device_data_queue's leader, the simulator's first node too.
    leader = quorum_queues(deployment, HA_NODES[0])["device_data_queue"]["leader"]
    lost = leader.split("@", 1)[1]
    ports = deployment.amqp_nodes.split(",")
    first = ports.pop(HA_NODES.index(lost))
    # 10-minute readings at 500 a second: 40 s of stream for 20,000.
    command = simulator_command(
        deployment, flow.device_id,
        "--start", STREAM_START, "--speed", "300000", "--count", str(count),
        "--rabbitmq-host", ",".join([first, *ports]),
    )  # fmt: skip
    changes = Changes(flow.admin, deployment, flow.device_id)
    changer = threading.Thread(target=changes.run)

    def lose_a_node() -> None:
        time.sleep(8)
        held = connections_by_node(deployment, HA_NODES[0])
        counts = ", ".join(f"{node} {len(names)}" for node, names in sorted(held.items()))
        print(f"client connections by node: {counts}; on {lost}: "
              f"{sorted(held.get(lost, []))}", flush=True)  # fmt: skip
        started = time.monotonic()
        sh(deployment.compose("stop", "--timeout", "10", lost))
        print(f"stopped {lost} (device_data_queue's leader) in "
              f"{time.monotonic() - started:.1f} s", flush=True)  # fmt: skip

    changer.start()
    try:
        readings, events = stream(command, count, lose_a_node)
    finally:
        changes.stop.set()
        changer.join(timeout=60)
    if not any(f"at {first} lost" in line for line in events):
        raise Failed(f"the simulator never lost its node {first}: the stop missed the stream")
    add_readings(flow, readings)
    exact = poll(lambda: not days_exact(deployment, flow), 300, every=2.0)
    wrong = days_exact(deployment, flow)
    print(f"{count} readings through the lost node: every day "
          f"{'exact' if exact else f'NOT exact ({len(wrong)} days)'}", flush=True)  # fmt: skip
    arrived = poll(lambda: not changes.missing(), 120, every=2.0)
    missing = changes.missing()
    print(f"{len(changes.users)} users created and {len(changes.names)} device renames during "
          f"the stream; events lost: {len(missing)}", flush=True)  # fmt: skip
    if changes.errors:
        raise Failed(f"the API refused changes while a node was lost: {changes.errors[:5]}")
    if not exact:
        raise Failed(f"days not exact after losing {lost}: {wrong[:10]}")
    if not arrived:
        raise Failed(f"events lost with {lost}: {missing[:10]}")
    if not changes.users:
        raise Failed("no change was made while the node was lost")
    flow.lost_node = lost


def check_the_node_rejoins(deployment: Deployment, flow: Flow) -> None:
    lost = flow.lost_node
    if not lost:
        raise Failed("no node was lost (the check before failed)")
    started = time.monotonic()
    sh(deployment.compose("start", lost))
    survivor = next(node for node in HA_NODES if node != lost)

    def rejoined() -> bool:
        if running_nodes(deployment, survivor) != len(HA_NODES):
            return False
        queues = quorum_queues(deployment, survivor)
        return all(len(queues[name]["online"]) == len(HA_NODES) for name in QUEUES)

    if not poll(rejoined, 300, every=2.0):
        raise Failed(f"{lost} never rejoined: {quorum_queues(deployment, survivor)}")
    print(f"{lost} rejoined the cluster and every quorum queue has its 3 members online "
          f"{time.monotonic() - started:.1f} s after its start", flush=True)  # fmt: skip
    if not poll(lambda: not unhealthy_containers(deployment), 300, every=2.0):
        raise Failed(f"containers not healthy again: {unhealthy_containers(deployment)}")
    print("every container healthy again", flush=True)
