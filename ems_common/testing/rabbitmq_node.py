"""A private RabbitMQ node with the MQTT and management plugins, for the meter-key tests.

The machine's broker is shared by everyone's test runs and may have neither plugin on; these
tests also restart their broker. So they start a node of their own from the same Debian
install: its own node name, data folder and free ports (AMQP, MQTT, management, Erlang
distribution), run as the ``rabbitmq`` user (that user's Erlang cookie, so ``rabbitmqctl``
reaches it), stopped and removed afterwards.

``rabbitmq_node`` (session fixture) is one such node; tests that need none never start it.
A machine without ``rabbitmq-server``, or a run that is not root, skips those tests with the
reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
RABBITMQ_HOME = "/var/lib/rabbitmq"  # the rabbitmq user's home: its Erlang cookie
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class NodeError(RuntimeError):
    """The private node did not start or stop."""


@dataclass
class RabbitNode:
    """One RabbitMQ node; ``user``/``password`` is its administrator (guest, local only)."""

    name: str = field(default_factory=lambda: f"ems-test-{os.getpid()}-{time.time_ns()}@localhost")
    amqp_port: int = field(default_factory=free_port)
    mqtt_port: int = field(default_factory=free_port)
    management_port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    user: str = "guest"
    password: str = "guest"
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ems-rabbit-")))
    plugins: tuple[str, ...] = ("rabbitmq_management", "rabbitmq_mqtt")

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.management_port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": RABBITMQ_HOME,
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def write_config(self) -> None:
        # A plugin's settings are refused while it is off, so only those of the enabled ones.
        lines = [f"listeners.tcp.default = 127.0.0.1:{self.amqp_port}"]
        if "rabbitmq_mqtt" in self.plugins:
            lines.append(f"mqtt.listeners.tcp.default = 127.0.0.1:{self.mqtt_port}")
        if "rabbitmq_management" in self.plugins:
            lines.append("management.tcp.ip = 127.0.0.1")
            lines.append(f"management.tcp.port = {self.management_port}")
        (self.folder / "rabbitmq.conf").write_text("\n".join(lines) + "\n")
        (self.folder / "enabled_plugins").write_text(f"[{','.join(self.plugins)}].\n")
        (self.folder / "rabbitmq-env.conf").write_text("")
        shutil.chown(self.folder, "rabbitmq", "rabbitmq")
        for path in self.folder.iterdir():
            shutil.chown(path, "rabbitmq", "rabbitmq")

    def start(self) -> None:
        if not (self.folder / "rabbitmq.conf").exists():
            self.write_config()
        command = ["runuser", "-u", "rabbitmq", "--", str(SERVER), "-detached"]
        subprocess.run(command, env=self.environment(), cwd=self.folder, check=True, timeout=60)
        self.wait_ready()

    def wait_ready(self) -> None:
        """Until the management API answers and the MQTT listener accepts connections."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.5)
        raise NodeError(f"RabbitMQ node {self.name} did not start; logs in {self.folder / 'log'}")

    def answers(self) -> bool:
        """AMQP, and each enabled plugin's listener, accept connections."""
        ports = [self.amqp_port]
        if "rabbitmq_mqtt" in self.plugins:
            ports.append(self.mqtt_port)
        try:
            for port in ports:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
            if "rabbitmq_management" in self.plugins:
                response = requests.get(
                    f"{self.management_url}/api/overview",
                    auth=(self.user, self.password),
                    timeout=2,
                )
                return response.status_code == 200
        except (requests.RequestException, OSError):
            return False
        return True

    def ctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = ["runuser", "-u", "rabbitmq", "--", "rabbitmqctl", "-n", self.name, *args]
        return subprocess.run(
            command,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop(self) -> None:
        """The whole node (its Erlang VM) stops; its data folder stays for ``start``."""
        result = self.ctl("stop")
        if result.returncode != 0 and self.answers():
            raise NodeError(f"could not stop {self.name}: {result.stderr.strip()}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self._listening():
            time.sleep(0.2)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.amqp_port), timeout=0.5):
                return True
        except OSError:
            return False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def node_problem() -> str | None:
    """Why a private node cannot run here, or None."""
    if not SERVER.exists():
        return f"no {SERVER} (Debian's rabbitmq-server) on this machine"
    if os.geteuid() != 0:
        return "a private RabbitMQ node runs as the rabbitmq user: needs root"
    return None


@pytest.fixture(scope="session")
def rabbitmq_node() -> Iterator[RabbitNode]:
    problem = node_problem()
    if problem is not None:
        pytest.skip(problem)
    node = RabbitNode()
    node.start()
    try:
        yield node
    finally:
        node.remove()
