"""What the gateway says about a request: the caller's address and whether it came over HTTPS.

Only a trusted proxy (EMS_TRUSTED_PROXIES, the gateway's address) is believed; a caller that
reaches the service directly cannot choose its address or scheme with a header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from rest_framework.request import Request


def client_ip(request: Request) -> str:
    """The caller's address: X-Real-IP if the gateway sent it, else the socket's."""
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if forwarded and from_trusted_proxy(request) and _is_address(forwarded):
        return forwarded
    return remote or "unknown"


def came_over_https(request: Request) -> bool:
    """True if the caller used HTTPS: to this service, or to the gateway (X-Forwarded-Proto)."""
    if request.is_secure():
        return True
    scheme = request.META.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
    return scheme == "https" and from_trusted_proxy(request)


def from_trusted_proxy(request: Request) -> bool:
    remote = request.META.get("REMOTE_ADDR") or ""
    if not _is_address(remote):
        return False
    address = ipaddress.ip_address(remote)
    return any(address in network for network in settings.EMS_TRUSTED_PROXIES)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
