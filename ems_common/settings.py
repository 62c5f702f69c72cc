"""Settings every service shares, read from the environment with local defaults.

A service's ``settings.py`` is one call::

    globals().update(build_settings(service="auth", apps=[...], account_model=...))

Which services exist, and their ports, databases and URL prefixes, is read from
``deploy/routes.json``, the list scripts/ and the deployment read too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

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


def env(name: str, default: str | None = None) -> str:
    """The variable's value, or ``default``; a missing variable without default is an error."""
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"environment variable {name} is required")
    return default


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None


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


@dataclass(frozen=True)
class BrokerConfig:
    host: str
    port: int
    user: str
    password: str
    vhost: str


def broker_config() -> BrokerConfig:
    """RabbitMQ connection settings (the plan's variable names)."""
    return BrokerConfig(
        host=env("RABBITMQ_HOST", "127.0.0.1"),
        port=env_int("RABBITMQ_PORT", 5672),
        user=env("RABBITMQ_USER", "ems"),  # the services' identity (messaging/identities.py)
        password=env("RABBITMQ_PASS", "ems"),
        vhost=env("RABBITMQ_VHOST", "/"),
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
        "OPTIONS": {"connect_timeout": env_int("POSTGRES_CONNECT_TIMEOUT", 5)},
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


def build_settings(
    *,
    service: str,
    apps: list[str],
    account_model: str,
    database: str | None = None,
    extra_apps: list[str] | None = None,
) -> dict[str, Any]:
    """The Django settings of one service (its name in deploy/routes.json).

    ``database`` is the default database name (routes.json's, unless given). ``account_model``
    is the service's table of accounts (its synced copy of auth_service's users), against which
    ems_common.sessions checks every token.
    """
    entry = services()[service]
    secret = os.environ.get("DJANGO_SECRET_KEY")
    if not secret:
        if production():
            raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when EMS_ENV=production")
        secret = "insecure-local-development-key-" + service
    auth_port = service_port("auth")
    return {
        "EMS_SERVICE": service,
        "EMS_ACCOUNT_MODEL": account_model,
        "SECRET_KEY": secret,
        # Never Django's debug pages, not even locally: they show settings, paths and source to
        # any client. Errors are JSON (ems_common.errors); tracebacks go to the log.
        "DEBUG": False,
        "ALLOWED_HOSTS": env_list("DJANGO_ALLOWED_HOSTS", "*"),
        "CSRF_TRUSTED_ORIGINS": env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8080"),
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.staticfiles",
            "rest_framework",
            "drf_spectacular",
            "drf_spectacular_sidecar",
            "drf_standardized_errors",
            "django_filters",
            "ems_common.outbox",
            "ems_common.inbox",
            *(extra_apps or []),
            *apps,
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "ems_common.http.RejectNulBytesMiddleware",
            "ems_common.http.CommonMiddleware",
        ],
        "ROOT_URLCONF": f"{entry.project}.urls",
        "WSGI_APPLICATION": f"{entry.project}.wsgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        "DATABASES": {"default": database_config(entry.db_env, database or entry.default_db)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en-us",
        "USE_I18N": False,
        "STATIC_URL": f"{entry.prefix}static/",
        # Unset locally: whitenoise serves the apps' static files (Swagger UI) through the finders.
        "STATIC_ROOT": os.environ.get("DJANGO_STATIC_ROOT") or None,
        "WHITENOISE_USE_FINDERS": True,
        "APPEND_SLASH": True,
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["ems_common.auth.JWTAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_SCHEMA_CLASS": "ems_common.openapi.AutoSchema",
            "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
            "PAGE_SIZE": 50,
            "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
            "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
            "UNAUTHENTICATED_USER": None,
            "COERCE_DECIMAL_TO_STRING": False,
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            # JSON bodies only: another site's HTML form cannot post to the API (415).
            "DEFAULT_PARSER_CLASSES": ["ems_common.parsers.JSONParser"],
        },
        "DRF_STANDARDIZED_ERRORS": {
            "EXCEPTION_HANDLER_CLASS": "ems_common.errors.EmsExceptionHandler",
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"EMS {service} service API",
            "VERSION": "1.0.0",
            "SERVE_INCLUDE_SCHEMA": False,
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
            "COMPONENT_SPLIT_REQUEST": True,
            # The error shape's "type" choices (drf-standardized-errors) get stable names.
            "ENUM_NAME_OVERRIDES": {
                f"{kind}Enum": f"drf_standardized_errors.openapi_serializers.{kind}Enum.choices"
                for kind in ("ValidationError", "ClientError", "ServerError")
            },
            "POSTPROCESSING_HOOKS": [
                "drf_standardized_errors.openapi_hooks.postprocess_schema_enums"
            ],
            "SECURITY": [{"jwtAuth": []}],
            "APPEND_COMPONENTS": {
                "securitySchemes": {
                    "jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
        },
        "EMS_JWKS_URL": env("EMS_JWKS_URL", f"http://127.0.0.1:{auth_port}/api/auth/jwks.json"),
        "EMS_JWT_ISSUER": env("EMS_JWT_ISSUER", "ems-auth"),
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "root": {"handlers": ["console"], "level": env("EMS_LOG_LEVEL", "INFO")},
            "loggers": {"pika": {"level": "WARNING"}},
        },
    }


def service_module(service: str) -> str:
    """The service's Django project package (``auth_service`` for ``auth``)."""
    return services()[service].project
