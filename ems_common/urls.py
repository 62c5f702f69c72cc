"""URL patterns every service has: health, OpenAPI schema and Swagger UI."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ems_common.health import HealthView


def service_urlpatterns(prefix: str) -> list[URLPattern]:
    """``prefix`` is the service's segment under /api/ (auth, users, devices, monitoring)."""
    schema_name = f"{prefix}-schema"
    return [
        path(
            f"api/{prefix}/health/",
            HealthView.as_view(service=prefix),
            name=f"{prefix}-health",
        ),
        path(
            f"api/{prefix}/schema/",
            SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
            name=schema_name,
        ),
        # The split view serves Swagger UI's start script as a file (?script=), not inline, so
        # the gateway's Content-Security-Policy for the docs can keep script-src 'self'.
        path(
            f"api/{prefix}/docs/",
            SpectacularSwaggerSplitView.as_view(
                url_name=schema_name, authentication_classes=[], permission_classes=[]
            ),
            name=f"{prefix}-docs",
        ),
    ]
