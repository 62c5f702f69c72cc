"""The WSGI application of a service, warmed up before it takes its first request."""

from __future__ import annotations

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver


def service_application(settings_module: str) -> WSGIHandler:
    """Django's WSGI app with the URLconf (views, serializers, schema) already imported.

    Django imports the URLconf on a worker's first request, which took about 0.4 s: every
    gunicorn worker's first caller would wait for it.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    application = get_wsgi_application()
    get_resolver().url_patterns  # noqa: B018 - the import is the point
    return application
