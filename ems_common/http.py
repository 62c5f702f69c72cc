"""Middleware every service shares: no NUL bytes in paths, 308 slash redirects.

Each answers a request that would otherwise crash the service (a 500) or show Django's
own HTML pages with the common JSON error shape of ``ems_common.errors``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.http import escape_leading_slashes

from ems_common.errors import error_body


class SlashRedirect(HttpResponsePermanentRedirect):
    """308: unlike 301, clients repeat the method and body at the new URL."""

    status_code = 308

    def __init__(self, redirect_to: str) -> None:
        detail = f"This URL ends with a slash: {redirect_to}"
        body = error_body("client_error", "trailing_slash_required", detail)
        super().__init__(redirect_to, content=json.dumps(body), content_type="application/json")


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's CommonMiddleware whose APPEND_SLASH redirect keeps POST/PATCH/DELETE working."""

    response_redirect_class = SlashRedirect

    def get_full_path_with_slash(self, request: HttpRequest) -> str:
        # Django refuses to redirect a POST in DEBUG (a 301 would lose its body); a 308 does not.
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))


class RejectNulBytesMiddleware:
    """A NUL byte in the path (PostgreSQL text cannot hold one) is a 404, never a crash.

    Query parameters are read through serializers, whose CharField refuses NUL bytes with a 400
    naming the parameter; a parameter the view does not read is ignored, whatever it holds.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)
        return self.get_response(request)
