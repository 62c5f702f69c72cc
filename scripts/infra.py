"""PostgreSQL, RabbitMQ and nginx on this machine: found, started, or installed from Debian."""

from __future__ import annotations

import fcntl
import glob
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pika
import pika.exceptions
import psycopg
from psycopg import sql
from services import ROOT, nginx_binary, note, run_captured, system_program

from ems_common.messaging import identities
from ems_common.messaging.connection import connection_parameters
from ems_common.messaging.topology import LOCAL_MQTT_PORT

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
APT_LOCK = Path("/tmp/ems-apt-get.lock")


class SetupError(SystemExit):
    """A problem the user has to fix; printed without a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")


def is_root() -> bool:
    return os.geteuid() == 0


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise SetupError(f"{what} did not come up within {timeout:.0f} s")


def run(
    command: list[str] | str,
    *,
    env: Mapping[str, str] | None = None,
    what: str | None = None,
    timeout: float = 600,
    quiet: bool = False,
) -> None:
    """A command (a string runs through the shell) shown as ``+ what``; a failure stops setup."""
    what = what or (command if isinstance(command, str) else " ".join(command))
    print(f"+ {what}", flush=True)
    result = subprocess.run(
        command,
        shell=isinstance(command, str),
        cwd=ROOT,
        timeout=timeout,
        check=False,
        stdout=subprocess.DEVNULL if quiet else None,
        env={**(os.environ if env is None else env), "DEBIAN_FRONTEND": "noninteractive"},
    )
    if result.returncode != 0:
        raise SetupError(f"`{what}` failed with exit code {result.returncode}")


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    """The reason a captured command gives for failing: its last line of output."""
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else "no output"


# --- Debian packages ---------------------------------------------------------------------


@contextmanager
def services_not_started_by_apt() -> Iterator[None]:
    """Keep apt from starting system daemons (nginx on :80): we start what we need ourselves."""
    created = False
    if not POLICY_RC_D.exists():
        POLICY_RC_D.write_text("#!/bin/sh\n# temporary, from EMS scripts/infra.py\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
        created = True
    try:
        yield
    finally:
        if created:
            POLICY_RC_D.unlink(missing_ok=True)


def apt_install(packages: list[str]) -> None:
    """Install Debian packages; ``nginx`` stands for nginx-light where Debian still has it."""
    if not is_root() or shutil.which("apt-get") is None:
        names = " ".join(packages)
        raise SetupError(f"missing: {names}; install them (`sudo apt-get install -y {names}`)")
    # One apt-get at a time among this project's processes (make test runs the deployment test
    # beside the unit tests, and both may install something); dpkg's own lock would refuse.
    with APT_LOCK.open("w") as lock, services_not_started_by_apt():
        fcntl.flock(lock, fcntl.LOCK_EX)
        run(["apt-get", "update", "-q"], quiet=True)
        resolved = [nginx_package() if name == "nginx" else name for name in packages]
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *resolved])


def nginx_package() -> str:
    result = run_captured(["apt-cache", "show", "nginx-light"])
    return "nginx-light" if result.returncode == 0 and result.stdout.strip() else "nginx"


def ensure_packages(env: Mapping[str, str]) -> None:
    needed = {
        "postgresql": postgres_is_local(env) and not postgres_installed(),
        "rabbitmq-server": rabbitmq_is_local(env) and not system_program("rabbitmq-server"),
        "nginx": nginx_binary() is None,
        "jq": shutil.which("jq") is None,  # the README's and API_DOCUMENTATION.md's curl examples
    }
    missing = [package for package, absent in needed.items() if absent]
    if missing:
        apt_install(missing)


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_is_local(env: Mapping[str, str]) -> bool:
    return env.get("POSTGRES_HOST", "127.0.0.1") in LOCAL_HOSTS


def postgres_installed() -> bool:
    return shutil.which("pg_ctlcluster") is not None and bool(glob.glob("/etc/postgresql/*/main"))


@dataclass(frozen=True)
class PostgresSettings:
    host: str
    port: int
    user: str
    password: str

    def __str__(self) -> str:
        return f"PostgreSQL at {self.host}:{self.port}"


def postgres_settings(env: Mapping[str, str]) -> PostgresSettings:
    return PostgresSettings(
        host=env.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(env.get("POSTGRES_PORT") or 5432),
        user=env.get("POSTGRES_USER", "postgres"),
        password=env.get("POSTGRES_PASSWORD", "postgres"),
    )


def postgres_connect(env: Mapping[str, str], dbname: str = "postgres") -> psycopg.Connection:
    settings = asdict(postgres_settings(env))  # host, port, user, password
    return psycopg.connect(**settings, dbname=dbname, autocommit=True, connect_timeout=3)


def postgres_problem(env: Mapping[str, str]) -> str | None:
    """None when we can log in, else the server's reason."""
    try:
        postgres_connect(env).close()
        return None
    except psycopg.OperationalError as exc:
        return str(exc).strip() or exc.__class__.__name__


def ensure_postgres(env: Mapping[str, str]) -> None:
    pg = postgres_settings(env)
    problem = postgres_problem(env)
    if problem is None:
        print(f"{pg}: up", flush=True)
        return
    if not postgres_is_local(env):
        raise SetupError(f"{pg} is not usable: {problem}")
    if not port_open(pg.host, pg.port):
        start_postgres()
        wait_until(lambda: port_open(pg.host, pg.port), str(pg), 60)
        problem = postgres_problem(env)
    if problem is not None and is_root() and ("password" in problem or "role" in problem):
        set_postgres_password(pg)
        problem = postgres_problem(env)
    if problem is not None:
        raise SetupError(f"{pg} refuses the configured login: {problem}")
    print(f"{pg}: up", flush=True)


def start_postgres() -> None:
    if not postgres_installed():
        raise SetupError(
            "PostgreSQL is not running and no local cluster was found; install it (Debian: "
            "`apt-get install postgresql`) or point POSTGRES_HOST at a running server"
        )
    version = Path(sorted(glob.glob("/etc/postgresql/*/main"))[0]).parent.name
    run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], timeout=120)


def set_postgres_password(pg: PostgresSettings) -> None:
    """A fresh Debian install asks for a password over TCP: give the role the configured one."""
    role = sql.Identifier(pg.user).as_string(None)
    name = sql.Literal(pg.user).as_string(None)
    password = sql.Literal(pg.password).as_string(None)
    statement = (
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = {name})"
        f" THEN ALTER ROLE {role} WITH LOGIN PASSWORD {password};"
        f" ELSE CREATE ROLE {role} WITH LOGIN SUPERUSER PASSWORD {password}; END IF; END $$;"
    )
    print(f"+ setting the password of PostgreSQL role {pg.user} (POSTGRES_PASSWORD)", flush=True)
    psql = ["runuser", "-u", "postgres", "--", "psql", "-q", "-v", "ON_ERROR_STOP=1"]
    result = run_captured([*psql, "-c", statement])
    if result.returncode != 0:
        raise SetupError(f"could not set the password of role {pg.user}: {result.stderr.strip()}")


def create_databases(env: Mapping[str, str], names: list[str]) -> None:
    with postgres_connect(env) as connection:
        for name in names:
            row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if row.fetchone():
                continue
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)


def drop_databases(env: Mapping[str, str], names: list[str]) -> None:
    with postgres_connect(env) as connection:
        for name in names:
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(statement.format(sql.Identifier(name)))
            print(f"dropped database {name} (if it existed)", flush=True)


def databases_of_run(env: Mapping[str, str], run_id: str) -> list[str]:
    """Databases a test run left behind: ``test_<name>_<run>`` and ``e2e_<run>_<service>``."""
    with postgres_connect(env) as connection:
        names = [row[0] for row in connection.execute("SELECT datname FROM pg_database")]
    return [
        name
        for name in names
        if (name.startswith("test_") and name.endswith(f"_{run_id}"))
        or name.startswith(f"e2e_{run_id}_")
    ]


# --- RabbitMQ ------------------------------------------------------------------------------


def rabbitmq_is_local(env: Mapping[str, str]) -> bool:
    return env.get("RABBITMQ_HOST", "127.0.0.1") in LOCAL_HOSTS


def rabbitmqctl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Its exit code is the caller's to judge; passwords go through stdin, never as arguments."""
    command = [system_program("rabbitmqctl") or "rabbitmqctl", "-q", *args]
    return run_captured(command, stdin=stdin, timeout=120)


def ensure_rabbitmq(env: Mapping[str, str]) -> None:
    host = env.get("RABBITMQ_HOST", "127.0.0.1")
    port = int(env.get("RABBITMQ_PORT") or 5672)
    where = f"RabbitMQ at {host}:{port}"
    if port_open(host, port):
        print(f"{where}: up", flush=True)
        return
    if not rabbitmq_is_local(env):
        raise SetupError(f"{where} is not reachable")
    if not is_root():
        raise SetupError(f"{where} is not running; start it (`sudo rabbitmq-server -detached`)")
    run([system_program("rabbitmq-server") or "rabbitmq-server", "-detached"], timeout=60)
    # The AMQP listener opens late in the boot; await_startup then confirms the app is running.
    wait_until(lambda: port_open(host, port), where, 120)
    rabbitmqctl("--timeout", "60", "await_startup")
    print(f"{where}: started", flush=True)


def enable_rabbitmq_management(env: Mapping[str, str]) -> None:
    """The management UI on :15672 (queues, DLQ contents), for `make up` only; best effort."""
    host = env.get("RABBITMQ_HOST", "127.0.0.1")
    operator = identities.OPERATOR
    url = f"http://{host}:15672 ({operator.user(env)}, password {operator.password_env})"
    if port_open(host, 15672):
        print(f"RabbitMQ management: {url}", flush=True)
        return
    plugins = system_program("rabbitmq-plugins")
    if not rabbitmq_is_local(env) or plugins is None:
        return
    result = run_captured([plugins, "-q", "enable", "rabbitmq_management"], timeout=120)
    if result.returncode == 0:
        print(f"RabbitMQ management: enabled, {url}", flush=True)
    else:
        reason = last_line(result)
        note(f"could not enable RabbitMQ's management UI ({reason}); the system runs without it")


DEBIAN_RABBITMQ_CONF = Path("/etc/rabbitmq/rabbitmq.conf")


def mqtt_port(env: Mapping[str, str]) -> int:
    return int(env.get("EMS_MQTT_PORT") or LOCAL_MQTT_PORT)


def enable_rabbitmq_mqtt(env: Mapping[str, str]) -> None:
    """RabbitMQ's MQTT plugin on EMS_MQTT_PORT (meters publish there), for `make up`.

    The listener's port is set in the running node before the plugin starts (its default,
    1883, may be another broker's), and written to Debian's rabbitmq.conf so that it holds after
    a restart of the node. Best effort, like the management UI: without it meters use AMQP.
    """
    host = env.get("RABBITMQ_HOST", "127.0.0.1")
    port = mqtt_port(env)
    where = f"RabbitMQ MQTT on {host}:{port} (EMS_MQTT_PORT)"
    if port_open(host, port):
        print(f"{where}: up", flush=True)
        return
    plugins = system_program("rabbitmq-plugins")
    if not rabbitmq_is_local(env) or plugins is None:
        note(f"{where} is not listening; meters can publish over AMQP only")
        return
    listener = f'[{{"{host}", {port}}}]' if host in {"127.0.0.1", "::1"} else f"[{port}]"
    result = rabbitmqctl(
        "eval",
        f"application:set_env(rabbitmq_mqtt, tcp_listeners, {listener}, [{{persistent, true}}]).",
    )
    if result.returncode == 0:
        result = run_captured([plugins, "-q", "enable", "rabbitmq_mqtt"], timeout=120)
    if result.returncode != 0:
        note(f"could not enable RabbitMQ's MQTT plugin ({last_line(result)}); AMQP only")
        return
    persist_mqtt_listener(host, port)
    try:
        wait_until(lambda: port_open(host, port), where, 30)
    except SetupError as exc:
        note(f"{exc}; meters can publish over AMQP only")
        return
    print(f"{where}: enabled", flush=True)


def persist_mqtt_listener(host: str, port: int) -> None:
    """The listener in Debian's rabbitmq.conf (the file a stock node reads), unless it has one."""
    if not DEBIAN_RABBITMQ_CONF.parent.is_dir() or os.environ.get("RABBITMQ_CONFIG_FILE"):
        return
    text = DEBIAN_RABBITMQ_CONF.read_text() if DEBIAN_RABBITMQ_CONF.exists() else ""
    if "mqtt.listeners.tcp." in text:
        return  # someone chose a listener there already
    try:
        listener = f"mqtt.listeners.tcp.ems = {host}:{port}"
        DEBIAN_RABBITMQ_CONF.write_text(f"{text.rstrip()}\n{listener}\n")
    except OSError as exc:
        note(f"could not write {DEBIAN_RABBITMQ_CONF} ({exc}): set mqtt.listeners.tcp there")


def ensure_vhost(env: Mapping[str, str]) -> None:
    """The vhost (a test run's own, or /) with EMS's three broker identities and their
    permissions on it (ems_common/messaging/identities.py), in one ``import_definitions``."""
    vhost = env.get("RABBITMQ_VHOST") or "/"
    if not rabbitmq_is_local(env):
        note(f"RabbitMQ is remote: vhost {vhost} and its users must already exist")
        return
    try:
        document = identities.definitions(env, vhost)
    except identities.IdentityError as exc:
        raise SetupError(str(exc)) from None
    result = rabbitmqctl("import_definitions", stdin=json.dumps(document))
    if result.returncode != 0:
        # Not root (rabbitmqctl needs the node's cookie): fine if the identities already work.
        refused = [i.user_env for i in identities.IDENTITIES if not amqp_login(env, i)]
        if refused:
            raise SetupError(
                f"cannot set up RabbitMQ's users ({', '.join(refused)}) on vhost {vhost}: "
                f"`rabbitmqctl import_definitions` failed ({last_line(result)}); "
                "run this as root once"
            )
        note(f"rabbitmqctl is not usable here; the RabbitMQ users on vhost {vhost} already work")
        return
    users = ", ".join(f"{i.user(env)} ({i.role})" for i in identities.IDENTITIES)
    print(f"RabbitMQ vhost {vhost}: ready for {users}", flush=True)


def amqp_login(env: Mapping[str, str], identity: identities.Identity) -> bool:
    parameters = connection_parameters(identity.broker_config(env), name="ems setup check")
    try:
        pika.BlockingConnection(parameters).close()
    except pika.exceptions.AMQPError:
        return False
    return True


def delete_vhost(env: Mapping[str, str]) -> None:
    vhost = env.get("RABBITMQ_VHOST") or "/"
    if vhost == "/":
        raise SetupError("refusing to delete the default vhost /")
    if rabbitmqctl("delete_vhost", vhost).returncode == 0:
        print(f"RabbitMQ vhost {vhost}: deleted", flush=True)
