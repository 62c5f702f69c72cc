"""The compose deployment's per-service images and database init script, from deploy/routes.json.

    .venv/bin/python scripts/stack.py render-traefik

writes (with Traefik's routes, scripts/traefik.py) ``deploy/<service>.Dockerfile`` for every
service from deploy/service.Dockerfile.template: a ``base`` stage that is the same text in every
file, so Docker builds it once and every image reuses its layers, and the service's own stage.
And ``deploy/postgres/init-databases.sh``, PostgreSQL's first-start script creating each
service's database (``<DB_ENV>`` from compose, else routes.json's default name).

Generated rather than hand-copied, so the four Dockerfiles cannot drift apart; tests/deploy
fails when a committed file differs from what this module writes.
"""

from __future__ import annotations

from pathlib import Path

import rabbitmq_init
from services import ROOT, Service, all_services, fill_template, gunicorn_command

DEPLOY = ROOT / "deploy"
INIT_DB_FILE = DEPLOY / "postgres" / "init-databases.sh"
APP_DIR = "/app"  # the images' WORKDIR (deploy/service.Dockerfile.template)


def dockerfile_path(service: Service) -> Path:
    return DEPLOY / f"{service.name}.Dockerfile"


def web_command(service: Service) -> list[str]:
    """The gunicorn command line of a service's web process inside its container."""
    return gunicorn_command(
        service,
        program="gunicorn",
        folder=f"{APP_DIR}/{service.folder}",
        bind=f"0.0.0.0:{service.default_port}",
        workers=service.web_workers,
    )


def dockerfile(service: Service) -> str:
    ports = [service.default_port]
    if service.websocket_process and service.websocket_default_port:
        ports.append(service.websocket_default_port)  # its WebSocket process (serve_websocket)
    values = {
        "name": service.name,
        "processes": ", ".join(name for name, _ in service.processes),
        "folder": service.folder,
        "ports": " ".join(map(str, ports)),
        "cmd": "[" + ", ".join(f'"{word}"' for word in web_command(service)) + "]",
    }
    return fill_template(DEPLOY / "service.Dockerfile.template", values)


def init_databases_script() -> str:
    creates = "\n".join(
        f'create_database "${{{s.db_env}:-{s.default_db}}}"' for s in all_services()
    )
    return fill_template(INIT_DB_FILE.with_suffix(".sh.template"), {"creates": creates})


def rendered_files() -> dict[Path, str]:
    files = {dockerfile_path(service): dockerfile(service) for service in all_services()}
    files[INIT_DB_FILE] = init_databases_script()
    files.update(rabbitmq_init.rendered_files())  # the other init script: RabbitMQ's identities
    return files
