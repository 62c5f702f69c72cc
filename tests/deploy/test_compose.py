"""deploy/docker-compose.yml and the files generated for it agree with deploy/routes.json.

No Docker engine is needed: the compose file is read as YAML, and validated by the compose CLI
(`docker compose config`, or Debian's `docker-compose`) when one is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import traefik
import yaml
from services import ROOT, all_services

APP_IMAGE = "ems:latest"
MANAGE_COMMAND = re.compile(r"(\w+)/manage\.py\s+(\w+)")
INTERPOLATED = re.compile(r"\$\{(\w+)")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(traefik.COMPOSE_FILE.read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def command_words(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(word) for word in command]


RENDER = ".venv/bin/python scripts/stack.py render-traefik"


def test_generated_files_are_current() -> None:
    for path, text in traefik.rendered_files().items():
        name = path.relative_to(ROOT)
        assert path.is_file(), f"{name} is missing: run {RENDER}"
        assert path.read_text() == text, f"{name} is stale: run {RENDER}"


def test_every_routes_process_is_a_compose_service(services: dict[str, Any]) -> None:
    names = [process.compose_name for process in traefik.compose_processes()]
    missing = [name for name in names if name not in services]
    assert not missing, f"routes.json processes without a service in docker-compose.yml: {missing}"


def test_process_commands_match_routes(services: dict[str, Any]) -> None:
    for process in traefik.compose_processes():
        service = process.service
        words = command_words(services[process.compose_name])
        if process.spec == "web":
            expected = [
                "gunicorn",
                f"--chdir=/app/{service.folder}",
                f"{service.project}.wsgi:application",
                f"--bind=0.0.0.0:{service.default_port}",
                f"--workers=${{WEB_CONCURRENCY:-{service.web_workers}}}",
            ]
            assert words[: len(expected)] == expected, process.compose_name
        else:
            args = process.spec.removeprefix("manage.py ").split()
            assert words == ["python", f"{service.folder}/manage.py", *args], process.compose_name


def test_every_manage_command_in_compose_exists(services: dict[str, Any]) -> None:
    by_folder = {service.folder: service for service in all_services()}
    for name, service in services.items():
        for folder, command in MANAGE_COMMAND.findall(" ".join(command_words(service))):
            assert folder in by_folder, f"{name}: {folder} is no service of routes.json"
            assert by_folder[folder].has_command(command), f"{name}: no manage.py {command}"


def test_setup_runs_steps_that_exist(services: dict[str, Any]) -> None:
    script = " ".join(command_words(services["setup"]))
    steps = re.findall(r"scripts/stack\.py ([\w-]+)", script)
    assert {"create-databases", "migrate", "topology", "bootstrap"} <= set(steps)
    for step in steps:
        result = subprocess.run(
            [sys.executable, "scripts/stack.py", step, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"scripts/stack.py has no step {step}: {result.stderr}"
    for service in all_services():
        for command in service.bootstrap:
            assert service.has_command(command), f"{service.folder}: no manage.py {command}"


def test_app_containers_wait_for_setup(services: dict[str, Any]) -> None:
    for name, service in services.items():
        if service.get("image") != APP_IMAGE or name == "setup":
            continue
        condition = service.get("depends_on", {}).get("setup", {}).get("condition")
        assert condition == "service_completed_successfully", name
        assert service.get("restart") == "unless-stopped", name


def test_web_containers_check_their_health_endpoint(services: dict[str, Any]) -> None:
    for service in all_services():
        test = " ".join(services[traefik.web_name(service)]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{service.default_port}{service.health_path}" in test


def test_traefik_routes_reach_compose_services(services: dict[str, Any]) -> None:
    dynamic = yaml.safe_load(traefik.DYNAMIC_FILE.read_text())
    for name, backend in dynamic["http"]["services"].items():
        for server in backend["loadBalancer"]["servers"]:
            host = urlsplit(server["url"]).hostname
            assert host in services, f"Traefik service {name} points at unknown container {host}"
    rules = {router["rule"] for router in dynamic["http"]["routers"].values()}
    for service in all_services():
        assert f"PathPrefix(`{service.prefix}`)" in rules


def test_interpolated_variables_are_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text()
    known = set(re.findall(r"^#?\s*(\w+)=", example, flags=re.MULTILINE))
    used = set(INTERPOLATED.findall(traefik.COMPOSE_FILE.read_text()))
    assert used - known == set(), "compose reads variables .env.example does not list"


def compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_config_is_valid(tmp_path: Path) -> None:
    cli = compose_cli()
    if cli is None:
        pytest.skip("no compose CLI here (neither `docker compose` nor `docker-compose`)")
    # A copy, so the check uses .env.example (plus the one required secret), not a real .env.
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text() + "\nDJANGO_SECRET_KEY=check\n")
    compose_file = tmp_path / "deploy" / "docker-compose.yml"
    result = subprocess.run(
        [*cli, "--env-file", str(env_file), "-f", str(compose_file), "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
