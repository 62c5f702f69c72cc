"""The refresh cookie: the browser's refresh token, which no script can read.

HttpOnly, so script in the page (an injected one included) cannot read it; SameSite=Strict and
the auth service's own path, so only a same-site request to /api/auth/ carries it; Secure when
the caller came over HTTPS. Every tab of the browser shares it: a new tab restores the session
with ``POST /api/auth/refresh/`` and no body. See docs/SECURITY.md ("Tokens").
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response

from authentication.api.proxy import came_over_https
from ems_common.settings import services

REFRESH_COOKIE = "ems_refresh"


def _path() -> str:
    # The gateway prefix of deploy/routes.json: login, refresh and logout all live under it.
    return services()[settings.EMS_SERVICE].prefix


def refresh_cookie(request: Request) -> str | None:
    """The refresh token the browser sent, if any (an empty cookie counts as none)."""
    return request.COOKIES.get(REFRESH_COOKIE) or None


def set_refresh_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=settings.EMS_REFRESH_TOKEN_SECONDS,
        path=_path(),
        secure=came_over_https(request),
        httponly=True,
        samesite="Strict",
    )


def clear_refresh_cookie(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=_path(), samesite="Strict")
