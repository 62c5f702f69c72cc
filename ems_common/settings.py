"""The readers of the services' settings (the environment, with local defaults), and the service.

The settings themselves are plain names in ems_common/base_settings.py; a service's
``settings.py`` names the service, then imports them::

    choose_service("auth", apps=["authentication"], account_model="authentication.User")
    from ems_common.base_settings import *

Which services exist, and their ports, databases and URL prefixes, is read from
``deploy/routes.json``, the list scripts/ and the deployment read too.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# Every image copies it to the same place beside ems_common (scripts/images.py).
ROUTES_FILE = Path(__file__).resolve().parent.parent / "deploy" / "routes.json"


@dataclass(frozen=True)
class ServiceEntry:
    """One service of deploy/routes.json, as the Django settings need it."""

    name: str
    project: str  # the Django project package: urls, wsgi
    prefix: str  # its gateway prefix, /api/<name>/
    port_env: str
    default_port: int
    db_env: str
    default_db: str


@cache
def routes_table() -> dict[str, Any]:
    """deploy/routes.json as read once per process (scripts/services.py reads it here too)."""
    table: dict[str, Any] = json.loads(ROUTES_FILE.read_text())
    return table


def services() -> dict[str, ServiceEntry]:
    """Service name -> its entry, in the order of deploy/routes.json."""
    names = [field.name for field in fields(ServiceEntry)]
    return {
        item["name"]: ServiceEntry(**{name: item[name] for name in names})
        for item in routes_table()["services"]
    }


N = TypeVar("N", int, float)


def env(name: str, default: str | None = None) -> str:
    """The variable's value, or ``default``; a missing variable without default is an error."""
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"environment variable {name} is required")
    return default


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def add_env_option(
    parser: ArgumentParser, flag: str, name: str, default: str | int | float, what: str
) -> None:
    """A command's option ``flag`` whose default is the environment variable ``name`` (read as
    env, env_int or env_float, by the type of ``default``); its help says ``what`` and both."""
    value: str | int | float
    if isinstance(default, int):
        value = env_int(name, default)
    elif isinstance(default, float):
        value = env_float(name, default)
    else:
        value = env(name, default)
    help_text = f"{what} (env {name}, default {default})"
    parser.add_argument(flag, type=type(default), default=value, help=help_text)


def _env_number(name: str, default: N, parse: Callable[[str], N], what: str) -> N:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not {what}") from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_networks(name: str, default: str) -> list[IPv4Network | IPv6Network]:
    """Comma-separated IP addresses or networks (``10.0.0.0/8``)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network"
            ) from None
    return networks


QUEUE_TYPES = ("classic", "quorum")


@dataclass(frozen=True)
class BrokerConfig:
    """Where and as whom to connect. ``host`` may name several nodes of one cluster,
    ``host[:port],host[:port]`` (``port`` for those without one): a client connects to any of
    them and moves on to another when one goes."""

    host: str
    port: int
    user: str
    password: str
    vhost: str
    # Durable queues' type (topology.py): quorum for a cluster (replicated), else classic.
    queue_type: str = "classic"

    @property
    def nodes(self) -> list[tuple[str, int]]:
        return broker_nodes(self.host, self.port)


def broker_nodes(hosts: str, port: int) -> list[tuple[str, int]]:
    """``"a,b:5673"`` -> ``[("a", port), ("b", 5673)]``; a bad entry is an ImproperlyConfigured
    naming it."""
    nodes: list[tuple[str, int]] = []
    for entry in (part.strip() for part in hosts.split(",")):
        name, colon, number = entry.rpartition(":") if ":" in entry else (entry, "", "")
        if not name or (colon and not (number.isdigit() and 0 < int(number) < 65536)):
            raise ImproperlyConfigured(
                f"RABBITMQ_HOST must be host[:port] entries separated by commas, got {entry!r}"
            )
        nodes.append((name, int(number) if colon else port))
    return nodes


def broker_config() -> BrokerConfig:
    """RabbitMQ connection settings (the plan's variable names). RABBITMQ_QUEUE_TYPE defaults
    to quorum when RABBITMQ_HOST names several nodes (a cluster), else classic."""
    host = env("RABBITMQ_HOST", "127.0.0.1")
    port = env_int("RABBITMQ_PORT", 5672)
    clustered = len(broker_nodes(host, port)) > 1
    queue_type = env("RABBITMQ_QUEUE_TYPE", "") or ("quorum" if clustered else "classic")
    if queue_type not in QUEUE_TYPES:
        raise ImproperlyConfigured(
            f"RABBITMQ_QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}, got {queue_type!r}"
        )
    return BrokerConfig(
        host=host,
        port=port,
        user=env("RABBITMQ_USER", "ems"),  # the services' identity (messaging/identities.py)
        password=env("RABBITMQ_PASS", "ems"),
        vhost=env("RABBITMQ_VHOST", "/"),
        queue_type=queue_type,
    )


def database_config(database_env: str, default_name: str) -> dict[str, Any]:
    name = env(database_env, default_name)
    config: dict[str, Any] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "HOST": env("POSTGRES_HOST", "127.0.0.1"),
        "PORT": env_int("POSTGRES_PORT", 5432),
        "USER": env("POSTGRES_USER", "postgres"),
        "PASSWORD": env("POSTGRES_PASSWORD", "postgres"),
        "CONN_MAX_AGE": env_int("POSTGRES_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "connect_timeout": env_int("POSTGRES_CONNECT_TIMEOUT", 5),
            # No JIT: the services' statements are short, and the planner's estimates over the
            # partitioned readings (a branch per partition, even one that runs no row) crossed
            # jit_above_cost, so the fleet overview spent 0.9 s of its 1 s compiling
            # (docs/ARCHITECTURE.md, "Settings").
            "options": "-c jit=off",
        },
    }
    run_id = os.environ.get("EMS_TEST_RUN_ID")
    if run_id:
        # Two test runs at once (or a test run beside `make up`) never share a test database.
        config["TEST"] = {"NAME": f"test_{name}_{run_id}"}
    return config


def production() -> bool:
    """``EMS_ENV=production`` (compose, images): secrets must be given, no local defaults."""
    value = env("EMS_ENV", "local").strip().lower()
    if value not in ("local", "production"):
        raise ImproperlyConfigured(f"EMS_ENV={value!r} is not 'local' or 'production'")
    return value == "production"


def service_port(service: str) -> int:
    entry = services()[service]
    return env_int(entry.port_env, entry.default_port)


@dataclass(frozen=True)
class ServiceChoice:
    """Which service a process's settings are for: what ems_common.base_settings reads."""

    service: str  # its name in deploy/routes.json
    apps: tuple[str, ...]  # its own Django apps, after the shared ones
    # Its table of accounts (its synced copy of auth_service's users), against which
    # ems_common.sessions checks every token.
    account_model: str


_choice: ServiceChoice | None = None


def choose_service(service: str, *, apps: list[str], account_model: str) -> None:
    """Name the service whose settings ems_common.base_settings builds; call it before the import.

    A process has one settings module, so one service: a second, different choice is an error
    (base_settings, already imported, would keep the first one's values).
    """
    global _choice
    if service not in services():
        raise ImproperlyConfigured(f"{service!r} is not a service of {ROUTES_FILE}")
    choice = ServiceChoice(service=service, apps=tuple(apps), account_model=account_model)
    if _choice is not None and _choice != choice:
        raise ImproperlyConfigured(f"settings already chosen for {_choice}, not {choice}")
    _choice = choice


def chosen_service() -> ServiceChoice:
    if _choice is None:
        raise ImproperlyConfigured(
            "ems_common.base_settings needs ems_common.settings.choose_service() called first"
        )
    return _choice


def service_module(service: str) -> str:
    """The service's Django project package (``auth_service`` for ``auth``)."""
    return services()[service].project
