"""Render the local nginx gateway from deploy/routes.json and the templates in deploy/nginx/."""

from __future__ import annotations

import os
from collections.abc import Mapping
from html import escape
from pathlib import Path

import security_headers
from services import (
    ROOT,
    Service,
    all_services,
    fill_template,
    gateway,
    nginx_binary,
    run_captured,
    var_dir,
)

TEMPLATES = ROOT / "deploy" / "nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")
MINIMAL_TYPES = """types {
        text/html html; text/css css; application/javascript js mjs; application/json json;
        image/svg+xml svg; image/png png; image/x-icon ico; font/woff2 woff2;
    }"""
# Modules whose temporary-file path (``<name>_temp_path``) nginx creates at start, when built in.
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def locations(env: Mapping[str, str]) -> str:
    """One proxy block per route; WebSocket prefixes first, as they sit inside a service prefix.

    Swagger UI has a block of its own only for its own Content-Security-Policy.
    """
    api, docs = security_headers.API, security_headers.DOCS
    blocks = []
    for service in all_services():
        port = service.websocket_port(env)
        for prefix in service.websocket_prefixes:
            blocks.append(route_block("websocket.conf.template", service, prefix, port, api))
    for service in all_services():
        port, docs_prefix = service.port(env), security_headers.docs_prefix(service.prefix)
        blocks.append(route_block("location.conf.template", service, service.prefix, port, api))
        blocks.append(route_block("location.conf.template", service, docs_prefix, port, docs))
    return "\n".join(blocks)


def route_block(
    template: str, service: Service, prefix: str, port: int, headers: Mapping[str, str]
) -> str:
    values = {
        "prefix": prefix,
        "service": service.name,
        "port": port,
        "security_headers": "\n".join(
            [security_headers.nginx_hide_upstream(), security_headers.nginx_directives(headers)]
        ),
    }
    return fill_template(TEMPLATES / template, values).rstrip("\n")


def built_modules() -> set[str]:
    """The temp-path modules this nginx has (a module built ``--without-`` has no directive)."""
    nginx = nginx_binary()
    if nginx is None:
        return set(TEMP_PATHS)
    result = run_captured([nginx, "-V"])
    flags = result.stderr + result.stdout
    return {name for name in TEMP_PATHS if f"--without-http_{name}_module" not in flags}


def static_root(env: Mapping[str, str], gateway_dir: Path) -> Path:
    """frontend/dist when built, else a placeholder page that points at the API."""
    dist = (ROOT / gateway().static_root).resolve()
    if (dist / "index.html").is_file():
        return dist
    placeholder = gateway_dir / "html"
    placeholder.mkdir(parents=True, exist_ok=True)
    (placeholder / "index.html").write_text(placeholder_page())
    return placeholder


def placeholder_page() -> str:
    """The page at ``/`` without a frontend build: links to each service's health and docs."""
    links = "\n".join(
        f'    <li>{escape(s.name)}: <a href="{s.health_path}">{s.health_path}</a>,'
        f' <a href="{s.prefix}docs/">{s.prefix}docs/</a></li>'
        for s in all_services()
    )
    return fill_template(TEMPLATES / "placeholder.html", {"service_links": links})


def listen_address(env: Mapping[str, str]) -> str:
    host, port = gateway().host(env), gateway().port(env)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def render(env: Mapping[str, str]) -> Path:
    """Write <var>/gateway/nginx.conf and return its path."""
    gateway_dir = var_dir(env) / "gateway"
    temp_dir = gateway_dir / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    modules = built_modules()
    temp_paths = "\n".join(
        f"    {name}_temp_path {temp_dir / name};" for name in TEMP_PATHS if name in modules
    )
    values = {
        # Workers as root read the frontend wherever the checkout lives; without root the
        # directive means nothing, so it is left out.
        "user": "user root;" if os.geteuid() == 0 else "",
        "var_dir": gateway_dir,
        "mime_types": f"include {MIME_TYPES};" if MIME_TYPES.is_file() else MINIMAL_TYPES,
        "temp_paths": temp_paths,
        "listen": listen_address(env),
        "locations": locations(env),
        "static_root": static_root(env, gateway_dir),
        "app_headers": security_headers.nginx_directives(security_headers.APP),
        "api_headers": security_headers.nginx_directives(security_headers.API),
    }
    conf = gateway_dir / "nginx.conf"
    conf.write_text(fill_template(TEMPLATES / "gateway.conf.template", values))
    return conf


def check(conf: Path) -> None:
    """``nginx -t`` on the rendered file, so a template error shows before anything starts."""
    nginx = nginx_binary()
    if nginx is None:
        raise SystemExit("error: nginx is not installed (scripts/stack.py ensure-services)")
    command = [nginx, "-t", "-q", "-e", "stderr", "-p", f"{conf.parent}/", "-c", str(conf)]
    result = run_captured(command)
    if result.returncode != 0:
        raise SystemExit(f"error: the rendered gateway config is invalid:\n{result.stderr}")
