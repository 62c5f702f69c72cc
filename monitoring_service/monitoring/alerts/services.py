"""Overconsumption alerts: who sees which, which fall on given local days, marking them read."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from ems_common.auth import TokenUser
from monitoring.consumption.local_days import day_start, period_days
from monitoring.models import Alert


def visible_alerts(user: TokenUser | None) -> QuerySet[Alert]:
    """Admins see every alert, anyone else the alerts of the devices they own now."""
    if user is None:  # schema generation: no caller
        return Alert.objects.none()
    alerts = Alert.objects.select_related("device")
    if user.is_admin:
        return alerts
    return alerts.filter(device__owner_id=user.id)


def filter_alerts(
    alerts: QuerySet[Alert],
    *,
    zone: ZoneInfo,
    device_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    unread: bool | None = None,
) -> QuerySet[Alert]:
    """Alerts of one device, and/or with hour_start within local days start..end (inclusive).

    InvalidPeriod when ``end`` is before ``start``.
    """
    if start and end:
        period_days(start, end)
    if device_id:
        alerts = alerts.filter(device_id=device_id)
    if start:
        alerts = alerts.filter(hour_start__gte=day_start(start, zone))
    if end:
        alerts = alerts.filter(hour_start__lt=day_start(end + timedelta(days=1), zone))
    if unread is not None:
        alerts = alerts.filter(read_at__isnull=unread)
    return alerts


def mark_read(alert: Alert) -> Alert:
    """Set ``read_at`` once; reading it again keeps the first time."""
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(id=alert.id, read_at__isnull=True).update(read_at=alert.read_at)
        alert.refresh_from_db(fields=["read_at"])  # another request may have been first
    return alert


def mark_all_read(user: TokenUser) -> int:
    """Mark every unread alert the caller sees as read; returns how many."""
    return visible_alerts(user).filter(read_at__isnull=True).update(read_at=timezone.now())
