"""The security headers the gateway adds, the same locally (nginx) and in compose (Traefik).

Three sets, by what a response holds:

- ``APP``: the frontend (``/``, its routes, ``/assets/``): a strict Content-Security-Policy. The
  built app has no inline script or style (React and Recharts set styles through the DOM, which
  CSP allows); ``connect-src 'self'`` covers the alerts WebSocket too, since CSP Level 3 lets
  'self' match ws:/wss: on the page's own host and port (Chromium, Firefox, Safari).
- ``API``: JSON from the services: a policy that allows nothing, so a response opened on its own
  can neither run nor be framed.
- ``DOCS``: Swagger UI (``/api/<service>/docs/``): scripts from the service itself only (the
  split view, ems_common/urls.py), but Swagger UI's page has an inline ``<style>`` block.

The gateway replaces any value a service sent for these headers (Django's SecurityMiddleware
sends nosniff and Referrer-Policy), so each response has each header once, with these values.
"""

from __future__ import annotations

from collections.abc import Mapping


def policy(**directives: str) -> str:
    """``default_src="'self'"`` -> ``default-src 'self'``, joined with ``; ``."""
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


# X-Frame-Options beside CSP's frame-ancestors: browsers that predate CSP Level 2 know only it.
COMMON = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def page_policy(style_src: str) -> str:
    """A page's policy (the app's, Swagger UI's): everything from its own origin only."""
    return policy(
        default_src="'self'",
        script_src="'self'",
        style_src=style_src,
        img_src="'self' data:",
        connect_src="'self'",
        base_uri="'self'",
        form_action="'self'",
        frame_ancestors="'none'",
        object_src="'none'",
    )


APP = {"Content-Security-Policy": page_policy("'self'"), **COMMON}
API = {
    "Content-Security-Policy": policy(default_src="'none'", frame_ancestors="'none'"),
    **COMMON,
}
DOCS = {"Content-Security-Policy": page_policy("'self' 'unsafe-inline'"), **COMMON}
SETS: dict[str, Mapping[str, str]] = {"app": APP, "api": API, "docs": DOCS}
NAMES = sorted({name for headers in SETS.values() for name in headers})


def docs_prefix(service_prefix: str) -> str:
    """Where a service serves Swagger UI (ems_common/urls.py)."""
    return f"{service_prefix}docs/"


def nginx_directives(headers: Mapping[str, str], indent: int = 12) -> str:
    """``add_header`` lines; ``always``, so error responses (4xx, 5xx) carry them too."""
    pad = " " * indent
    return "\n".join(f'{pad}add_header {name} "{value}" always;' for name, value in headers.items())


def nginx_hide_upstream(indent: int = 12) -> str:
    """``proxy_hide_header`` for every header set here, so a service's own value is not doubled."""
    pad = " " * indent
    return "\n".join(f"{pad}proxy_hide_header {name};" for name in NAMES)


def traefik_middlewares() -> dict[str, dict[str, object]]:
    """One ``headers`` middleware per set; customResponseHeaders replace the service's value."""
    return {
        middleware_name(kind): {"headers": {"customResponseHeaders": dict(headers)}}
        for kind, headers in SETS.items()
    }


def middleware_name(kind: str) -> str:
    return f"security-{kind}"
