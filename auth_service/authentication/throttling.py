"""Login throttling: growing delays per (username, client address) and per client address.

Failures count per (username, address), so nobody can lock an owner out from elsewhere: the
right password from the owner's own address still works. Past ``EMS_LOGIN_FREE_FAILURES`` the
next attempt waits ``EMS_LOGIN_FIRST_DELAY_SECONDS``, doubling with every further failure up to
``EMS_LOGIN_MAX_DELAY_SECONDS``. One address guessing across many usernames meets the same rule
with ``EMS_LOGIN_IP_FREE_FAILURES``, set high enough for the users behind one NAT. Failures are
rows in auth_db, so every gunicorn worker sees the same counts; they expire after
``EMS_LOGIN_FAILURE_WINDOW_SECONDS``, and a successful login clears its (username, address).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from authentication.models import FailedLogin

MAX_DOUBLINGS = 30  # 2**30 seconds is far past any sensible maximum delay


def _delay(failures: int, free: int) -> float:
    """Seconds to wait after the last of ``failures`` failures; 0 while they are free."""
    if failures < free:
        return 0.0
    doublings = min(failures - free, MAX_DOUBLINGS)
    first = settings.EMS_LOGIN_FIRST_DELAY_SECONDS
    return float(min(first * 2**doublings, settings.EMS_LOGIN_MAX_DELAY_SECONDS))


def _remaining(failures: QuerySet[FailedLogin], free: int, now: datetime) -> float:
    stats: dict[str, Any] = failures.aggregate(count=Count("id"), last=Max("at"))
    delay = _delay(stats["count"], free)
    if not delay:
        return 0.0
    return max(0.0, (stats["last"] + timedelta(seconds=delay) - now).total_seconds())


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.EMS_LOGIN_FAILURE_WINDOW_SECONDS)


def seconds_until_allowed(username: str, ip: str) -> int:
    """0 when a login for ``username`` from ``ip`` may be tried now, else whole seconds to wait."""
    now = timezone.now()
    recent = FailedLogin.objects.filter(at__gte=_cutoff(now))
    pair = _remaining(
        recent.filter(username=username.lower(), ip=ip), settings.EMS_LOGIN_FREE_FAILURES, now
    )
    address = _remaining(recent.filter(ip=ip), settings.EMS_LOGIN_IP_FREE_FAILURES, now)
    return math.ceil(max(pair, address))


def record_failure(username: str, ip: str) -> None:
    FailedLogin.objects.create(username=username.lower(), ip=ip)
    # Rows older than the window no longer count; drop them so the table stays small.
    FailedLogin.objects.filter(at__lt=_cutoff(timezone.now())).delete()


def clear_failures(username: str, ip: str) -> None:
    """After a successful login: that (username, address) starts afresh."""
    FailedLogin.objects.filter(username=username.lower(), ip=ip).delete()
