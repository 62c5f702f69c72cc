"""The services of EMS as listed in ``deploy/routes.json``, resolved against an environment.

``deploy/routes.json`` is the one list of services: ports, databases, gateway prefixes, and the
processes each service runs. ems_common.settings reads the file (the services' Django settings
use it too); ``scripts/``, the e2e harness and bench/ read it through this module, so adding a
service means adding one entry there.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import string
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from honcho.environ import parse as parse_env_file

from ems_common.settings import routes_table

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"


@dataclass(frozen=True)
class Service:
    name: str
    folder: str
    project: str
    port_env: str
    default_port: int
    db_env: str
    default_db: str
    prefix: str
    websocket_prefixes: tuple[str, ...]
    processes: tuple[tuple[str, str], ...]
    bootstrap: tuple[str, ...]
    web_workers: int = 2  # gunicorn workers; WEB_CONCURRENCY, when set, applies to every service
    # Threads per worker: above 1, gunicorn's gthread worker, whose requests may take minutes
    # (a streamed export); the sync worker is killed after --timeout (30 s) in one request.
    web_threads: int = 1
    # The process serving websocket_prefixes on a port of its own (None: the web process does).
    websocket_process: str | None = None
    websocket_port_env: str | None = None
    websocket_default_port: int | None = None

    @property
    def path(self) -> Path:
        return ROOT / self.folder

    @property
    def manage_py(self) -> Path:
        return self.path / "manage.py"

    @property
    def health_path(self) -> str:
        return f"{self.prefix}health/"

    def exists(self) -> bool:
        return self.manage_py.is_file()

    def port(self, env: Mapping[str, str]) -> int:
        return env_int(env, self.port_env, self.default_port)

    def websocket_port(self, env: Mapping[str, str]) -> int:
        """Where the gateway sends websocket_prefixes: the WebSocket process, else the web."""
        if self.websocket_port_env and self.websocket_default_port:
            return env_int(env, self.websocket_port_env, self.websocket_default_port)
        return self.port(env)

    def database(self, env: Mapping[str, str]) -> str:
        return env.get(self.db_env) or self.default_db


@dataclass(frozen=True)
class Gateway:
    host_env: str
    default_host: str
    port_env: str
    default_port: int
    static_root: str

    def host(self, env: Mapping[str, str]) -> str:
        return env.get(self.host_env) or self.default_host

    def port(self, env: Mapping[str, str]) -> int:
        return env_int(env, self.port_env, self.default_port)


@dataclass(frozen=True)
class ExtraProcess:
    """A process of no single service (the first-run demo); switch_env=0 leaves it out."""

    name: str
    command: str
    switch_env: str | None = None

    def enabled(self, env: Mapping[str, str]) -> bool:
        switch = env.get(self.switch_env, "") if self.switch_env else ""
        return switch.strip().lower() not in {"0", "false", "no", "off"}


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"error: {name}={raw!r} is not a number") from None


def all_services() -> list[Service]:
    return [
        Service(
            **{
                **item,
                "websocket_prefixes": tuple(item.get("websocket_prefixes", [])),
                "processes": tuple(item.get("processes", {}).items()),
                "bootstrap": tuple(item.get("bootstrap", [])),
            }
        )
        for item in routes_table()["services"]
    ]


def extra_processes() -> list[ExtraProcess]:
    return [ExtraProcess(**item) for item in routes_table().get("extra_processes", [])]


def present_services(*, quiet: bool = False) -> list[Service]:
    """The services whose folder exists in this checkout; the others are skipped with a note."""
    present = []
    for service in all_services():
        if service.exists():
            present.append(service)
        elif not quiet:
            note(f"{service.folder}/manage.py not found: skipping the {service.name} service")
    return present


def gateway() -> Gateway:
    return Gateway(**routes_table()["gateway"])


def with_env_file(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with .env applied the way honcho applies it (its values win), so both see the
    same settings; EMS_ENV_FILE names another file, or none when empty."""
    name = env.get("EMS_ENV_FILE", ".env")
    path = ROOT / name
    return {**env, **(parse_env_file(path.read_text()) if name and path.is_file() else {})}


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What the processes of a test run get: .env applied here once (EMS_ENV_FILE is empty from
    then on), no DJANGO_SETTINGS_MODULE left over from the caller, unbuffered output."""
    child = with_env_file(env)
    child.pop("DJANGO_SETTINGS_MODULE", None)
    child.update(EMS_ENV_FILE="", PYTHONUNBUFFERED="1")
    return child


def var_dir(env: Mapping[str, str]) -> Path:
    """Generated files and runtime state (gateway config, Procfile, logs); EMS_VAR_DIR or var/."""
    return Path(env.get("EMS_VAR_DIR") or ROOT / "var").resolve()


def system_program(name: str) -> str | None:
    """``shutil.which``, also in the sbin folders a non-root PATH lacks (nginx, rabbitmqctl)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which(name, path=path)


def nginx_binary() -> str | None:
    return system_program("nginx")


class Template(string.Template):
    """``{{ name }}`` placeholders, as nginx, Dockerfiles and shell use ``$`` themselves.

    ``substitute`` raises KeyError for a name without a value, rather than leaving it empty.
    """

    # A str, as Template compiles its pattern itself; the forms other than ``named`` never match.
    pattern = r"\{\{\s*(?P<named>\w+)\s*\}\}|(?P<braced>(?!))|(?P<escaped>(?!))|(?P<invalid>(?!))"  # type: ignore[assignment]


def fill_template(path: Path, values: Mapping[str, object]) -> str:
    """The file at ``path`` (deploy/**/*.template) with its placeholders filled."""
    return Template(path.read_text()).substitute(values)


def manage_command(service: Service, args: str) -> str:
    return f"{shlex.quote(str(PYTHON))} {shlex.quote(str(service.manage_py))} {args}"


def run_captured(
    command: list[str] | str,
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path = ROOT,
    stdin: str | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """A command (a string runs through the shell), its output captured, its code not checked."""
    return subprocess.run(
        command,
        shell=isinstance(command, str),
        cwd=cwd,
        env=dict(os.environ if env is None else env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def gunicorn_command(
    service: Service, *, program: str, folder: str, bind: str, workers: int
) -> list[str]:
    """A service's ``web`` process, locally (the Procfile) and in its image (the Dockerfile)."""
    gthread = ["--worker-class=gthread", f"--threads={service.web_threads}"]
    threads = gthread if service.web_threads > 1 else []
    return [
        program,
        f"--chdir={folder}",
        f"{service.project}.wsgi:application",
        f"--bind={bind}",
        f"--workers={workers}",
        *threads,
        "--graceful-timeout=10",
        "--no-control-socket",
        "--access-logfile=-",
    ]


def web_command(service: Service, env: Mapping[str, str]) -> str:
    command = gunicorn_command(
        service,
        program=str(VENV_BIN / "gunicorn"),
        folder=str(service.path),
        bind=f"127.0.0.1:{service.port(env)}",
        workers=env_int(env, "WEB_CONCURRENCY", service.web_workers),
    )
    return shlex.join(command)


def process_commands(env: Mapping[str, str], *, quiet: bool = False) -> dict[str, str]:
    """Process name -> shell command: the gateway, every present service, the extra processes."""
    nginx = nginx_binary() or "nginx"
    gateway_dir = var_dir(env) / "gateway"
    commands = {
        "gateway": (
            f"exec {shlex.quote(nginx)} -e stderr -p {shlex.quote(str(gateway_dir))}/"
            f" -c {shlex.quote(str(gateway_dir / 'nginx.conf'))} -g 'daemon off;'"
        )
    }
    for service in present_services(quiet=quiet):
        for name, spec in service.processes:
            # "web" or "manage.py CMD ARGS": the only two kinds compose can run (tests/deploy).
            if spec == "web":
                commands[name] = "exec " + web_command(service, env)
            else:
                commands[name] = "exec " + manage_command(service, spec.removeprefix("manage.py "))
    for extra in extra_processes():
        if not extra.enabled(env):
            if not quiet:
                note(f"process {extra.name}: off ({extra.switch_env}={env[str(extra.switch_env)]})")
            continue
        command = extra.command.format(python=shlex.quote(str(PYTHON)), root=shlex.quote(str(ROOT)))
        commands[extra.name] = f"exec {command}"
    return commands


def free_port() -> int:
    """A TCP port nobody listens on now, for a private stack's processes (e2e, bench)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def note(message: str) -> None:
    print(f"note: {message}", flush=True)
