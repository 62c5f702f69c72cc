"""deploy/docker-compose.yml agrees with deploy/routes.json and is valid for the compose CLI.

Every process of routes.json is a container of its service's image with the same command, every
container has a health check, every dependency waits for health, secrets must be set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import images
import pytest
import traefik
import yaml
from services import ROOT, Service, all_services

MANAGE_COMMAND = re.compile(r"(\w+)/manage\.py\s+(\w+)")
INTERPOLATED = re.compile(r"\$\{(\w+)(:?[?-])?")
SECRET_NAME = re.compile(r"PASSWORD|PASS$|SECRET")
INFRASTRUCTURE = {
    "postgres",
    "rabbitmq",
    "rabbitmq-2",
    "rabbitmq-3",
    "traefik",
    traefik.FRONTEND_SERVICE,
}
RENDER = ".venv/bin/python scripts/stack.py render-traefik"
REQUIRED_SECRETS = [
    "DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "EMS_ADMIN_PASSWORD",
    "RABBITMQ_PASS", "RABBITMQ_ADMIN_PASS", "RABBITMQ_METER_PASS",
]  # fmt: skip


def command_words(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(word) for word in command]


def shell_script(service: dict[str, Any]) -> str:
    """The script of a ``sh -c`` command, or the command itself joined."""
    words = command_words(service)
    return words[2] if words[:2] == ["sh", "-c"] else " ".join(words)


def service_of(name: str) -> Service:
    for process in traefik.compose_processes():
        if process.compose_name == name:
            return process.service
    raise KeyError(name)


def test_generated_files_are_current() -> None:
    for path, text in traefik.rendered_files().items():
        name = path.relative_to(ROOT)
        assert path.is_file(), f"{name} is missing: run {RENDER}"
        assert path.read_text() == text, f"{name} is stale: run {RENDER}"


def test_every_routes_process_is_a_compose_service(services: dict[str, Any]) -> None:
    names = [process.compose_name for process in traefik.compose_processes()]
    missing = [name for name in names if name not in services]
    assert not missing, f"routes.json processes without a service in docker-compose.yml: {missing}"
    unknown = set(services) - set(names) - INFRASTRUCTURE
    assert not unknown, f"containers that are no process of routes.json: {sorted(unknown)}"


def test_process_containers_run_their_services_image(services: dict[str, Any]) -> None:
    for process in traefik.compose_processes():
        container = services[process.compose_name]
        name = process.service.name
        assert container["image"].startswith(f"ems-{name}:"), process.compose_name
        dockerfile = images.dockerfile_path(process.service).relative_to(ROOT)
        assert container["build"] == {"context": "..", "dockerfile": str(dockerfile)}


def test_web_containers_prepare_then_run_gunicorn(services: dict[str, Any]) -> None:
    for service in all_services():
        script = shell_script(services[traefik.web_name(service)])
        prepare, _, server = script.partition(" && exec ")
        assert prepare == "python scripts/stack.py prepare", service.name
        expected = images.web_command(service)
        expected[4] = f"--workers=${{WEB_CONCURRENCY:-{service.web_workers}}}"
        assert server.split() == expected, service.name


def test_worker_commands_match_routes(services: dict[str, Any]) -> None:
    for process in traefik.compose_processes():
        if process.spec == "web":
            continue
        words = command_words(services[process.compose_name])
        assert process.spec.startswith("manage.py "), f"{process.compose_name}: {process.spec}"
        args = process.spec.removeprefix("manage.py ").split()
        assert words == ["python", f"{process.service.folder}/manage.py", *args]


def has_command(service: Service, command: str) -> bool:
    """Whether ``manage.py <command>`` exists (in the service or in ems_common, shared by all)."""
    pattern = f"**/management/commands/{command}.py"
    return any(True for base in (service.path, ROOT / "ems_common") for _ in base.glob(pattern))


def test_every_manage_command_in_compose_exists(services: dict[str, Any]) -> None:
    by_folder = {service.folder: service for service in all_services()}
    for name, service in services.items():
        for folder, command in MANAGE_COMMAND.findall(" ".join(command_words(service))):
            assert folder in by_folder, f"{name}: {folder} is no service of routes.json"
            assert has_command(by_folder[folder], command), f"{name}: no manage.py {command}"


def test_prepare_step_exists() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/stack.py", "prepare", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for service in all_services():
        for command in service.bootstrap:
            assert has_command(service, command), f"{service.folder}: no manage.py {command}"


def test_every_container_has_a_health_check(services: dict[str, Any]) -> None:
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name} has no health check"


def test_workers_check_their_own_process(services: dict[str, Any]) -> None:
    for process in traefik.compose_processes():
        if process.spec == "web":
            continue
        test = services[process.compose_name]["healthcheck"]["test"]
        command = process.spec.split()[1]
        assert test == ["CMD", "python", "deploy/healthcheck.py", "worker", command]


def test_dependencies_wait_for_health(services: dict[str, Any]) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, rule in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            assert rule == {"condition": "service_healthy"}, f"{name} -> {target}"


def test_workers_start_after_their_web_container(services: dict[str, Any]) -> None:
    for process in traefik.compose_processes():
        depends = services[process.compose_name]["depends_on"]
        if process.spec == "web":
            assert {"postgres", "rabbitmq"} <= set(depends), process.compose_name
        else:
            assert traefik.web_name(process.service) in depends, process.compose_name


def test_long_running_containers_restart(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name


def test_measurement_consumer_scales(services: dict[str, Any]) -> None:
    consumer = services["monitoring-measurements"]
    assert "container_name" not in consumer
    assert "ports" not in consumer
    named = [name for name, service in services.items() if "container_name" in service]
    assert not named, f"container_name stops --scale and reuse: {named}"


def test_secrets_must_be_set() -> None:
    text = traefik.COMPOSE_FILE.read_text()
    for name, operator in INTERPOLATED.findall(text):
        if SECRET_NAME.search(name):
            assert operator == ":?", f"${{{name}}} needs ':?message' (no default for a secret)"
    for name in REQUIRED_SECRETS:
        assert f"${{{name}:?" in text, name


def test_interpolated_variables_are_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text()
    known = set(re.findall(r"^#?\s*(\w+)=", example, flags=re.MULTILINE))
    used = {name for name, _ in INTERPOLATED.findall(traefik.COMPOSE_FILE.read_text())}
    assert used - known == set(), "compose reads variables .env.example does not list"


def compose_config(cli: list[str], folder: Path, env_text: str) -> subprocess.CompletedProcess[str]:
    """``config -q`` on a copy of deploy/ with ``env_text`` as .env (never the real .env)."""
    shutil.copytree(ROOT / "deploy", folder / "deploy")
    env_file = folder / ".env"
    env_file.write_text(env_text)
    return subprocess.run(
        [*cli, "--env-file", str(env_file), "-f", str(folder / "deploy" / "docker-compose.yml")]
        + ["config", "-q"],
        cwd=folder,
        # Only what the CLI needs: a variable of the caller's shell would beat the file.
        env={name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_config_is_valid(compose_cli: list[str], tmp_path: Path) -> None:
    env_text = (ROOT / ".env.example").read_text() + "\nDJANGO_SECRET_KEY=check\n"
    result = compose_config(compose_cli, tmp_path, env_text)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("secret", [s for s in REQUIRED_SECRETS if s != "EMS_ADMIN_PASSWORD"])
def test_compose_refuses_to_start_without_a_secret(
    compose_cli: list[str], tmp_path: Path, secret: str
) -> None:
    lines = (ROOT / ".env.example").read_text().splitlines() + ["DJANGO_SECRET_KEY=check"]
    env_text = "\n".join(line for line in lines if not line.startswith(f"{secret}="))
    result = compose_config(compose_cli, tmp_path, env_text + "\n")
    assert result.returncode != 0
    assert secret in result.stdout + result.stderr


def resolved(compose_cli: list[str], tmp_path: Path, secrets: dict[str, str]) -> dict[str, Any]:
    """Every container's environment, as compose resolves it from .env.example plus secrets."""
    lines = [
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.split("=", 1)[0] not in secrets
    ]
    env_text = "\n".join([*lines, *(f"{k}={v}" for k, v in secrets.items())]) + "\n"
    check = compose_config(compose_cli, tmp_path, env_text)
    assert check.returncode == 0, check.stderr
    result = subprocess.run(
        [*compose_cli, "--env-file", str(tmp_path / ".env"), "-f"]
        # The HA profile's nodes too (compose v2 leaves out an inactive profile's services).
        + [str(tmp_path / "deploy" / "docker-compose.yml"), "--profile", "ha", "config"],
        cwd=tmp_path,
        env={name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return {name: service.get("environment") or {} for name, service in config["services"].items()}


def knowing(environments: dict[str, Any], secret: str) -> set[str]:
    return {name for name, env in environments.items() if secret in map(str, env.values())}


def test_only_rabbitmq_knows_the_operators_and_the_meters_passwords(
    compose_cli: list[str], tmp_path: Path
) -> None:
    secrets = {
        "DJANGO_SECRET_KEY": "check",
        "RABBITMQ_PASS": "services-sentinel",
        "RABBITMQ_ADMIN_PASS": "operator-sentinel",
        "RABBITMQ_METER_PASS": "meter-sentinel",
        "RABBITMQ_ERLANG_COOKIE": "cookie-sentinel",
    }
    environments = resolved(compose_cli, tmp_path, secrets)

    nodes = {"rabbitmq", "rabbitmq-2", "rabbitmq-3"}
    assert knowing(environments, "operator-sentinel") == nodes
    assert knowing(environments, "meter-sentinel") == nodes
    assert knowing(environments, "cookie-sentinel") == nodes
    services_know = knowing(environments, "services-sentinel")
    assert {"rabbitmq", "auth-web", "monitoring-measurements"} <= services_know
    assert not services_know & {"postgres", "traefik", "frontend"}
    # Every container with the services' password logs in as the services' user.
    users = {environments[name].get("RABBITMQ_USER") for name in services_know}
    assert users == {"ems"}


def test_the_services_trust_only_traefiks_fixed_address(compose: dict[str, Any]) -> None:
    services = compose["services"]
    traefik_address = services["traefik"]["networks"]["default"]["ipv4_address"]
    for name, service in services.items():
        trusted = (service.get("environment") or {}).get("EMS_TRUSTED_PROXIES")
        if name.startswith("auth-"):
            assert trusted == traefik_address, name
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert "EMS_COMPOSE_SUBNET" in subnet and "EMS_GATEWAY_ADDRESS" in traefik_address
