"""Fixtures of the deployment checks: the compose file as YAML, and a compose CLI to validate it.

No Docker engine runs here. ``docker compose config`` (v2) or Debian's ``docker-compose`` (1.29)
validates the file without one; when neither is installed, Debian's is installed (as root), and
the run fails loudly if that is impossible: `make test` must validate the compose file.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import infra
import pytest
import traefik
import yaml

COMPOSE_PACKAGE = "docker-compose"


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(traefik.COMPOSE_FILE.read_text())
    return loaded


@pytest.fixture(scope="session")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def find_compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture(scope="session")
def compose_cli() -> list[str]:
    cli = find_compose_cli()
    if cli is None:
        try:
            infra.apt_install([COMPOSE_PACKAGE])
        except SystemExit as exc:  # infra.SetupError: not root, no apt-get, or apt failed
            pytest.fail(f"no compose CLI and could not install {COMPOSE_PACKAGE}: {exc}")
        cli = find_compose_cli()
    if cli is None:
        pytest.fail(f"{COMPOSE_PACKAGE} was installed but no compose CLI is on PATH")
    return cli
