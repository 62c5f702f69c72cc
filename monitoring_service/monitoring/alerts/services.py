"""Overconsumption alerts: who sees which, which fall on given local days, who has read them.

Reads are each user's own (AlertRead): an alert read by an admin is still unread for its owner.
``visible_alerts`` gives every alert the caller's ``read_at`` (None: unread), the device's name
and the owner's username, all in the list's one statement.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from ems_common.auth import TokenUser
from ems_common.exceptions import InvalidField
from monitoring.consumption.local_days import day_start, period_days
from monitoring.models import Alert, AlertRead
from monitoring.owners import owner_username


def visible_alerts(user: TokenUser | None) -> QuerySet[Alert]:
    """Admins see every alert, anyone else the alerts of the devices they own now; each with
    ``read_at`` (when ``user`` read it), ``device_name`` and ``owner_username``."""
    if user is None:  # schema generation: no caller
        return Alert.objects.none()
    alerts = Alert.objects.select_related("device").annotate(
        # A LEFT JOIN on the caller's read only (the key (alert, user) makes it one row at most).
        own_read=FilteredRelation("reads", condition=Q(reads__user_id=user.id)),
        read_at=F("own_read__read_at"),
        device_name=F("device__name"),
        owner_username=owner_username(),
    )
    if user.is_admin:
        return alerts
    return alerts.filter(device__owner_id=user.id)


def unread_by_caller(unread: bool = True) -> Q:
    """The alerts visible_alerts' caller has not read (False: has read)."""
    return Q(read_at__isnull=unread)  # visible_alerts' annotation


def filter_alerts(
    alerts: QuerySet[Alert],
    *,
    user: TokenUser,
    zone: ZoneInfo,
    device_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    unread: bool | None = None,
) -> QuerySet[Alert]:
    """Alerts of one device, of one owner (whose device it was when raised), with hour_start
    within local days start..end (inclusive), and/or unread (or read) by ``user``.

    InvalidPeriod when ``end`` is before ``start``; InvalidField ``owner_id`` when someone other
    than an admin filters by owner (a client's alerts are its own already).
    """
    if start and end:
        period_days(start, end)
    if owner_id and not user.is_admin:
        raise InvalidField("owner_id", "Only an admin can filter alerts by owner.")
    if device_id:
        alerts = alerts.filter(device_id=device_id)
    if owner_id:
        alerts = alerts.filter(owner_id=owner_id)
    if start:
        alerts = alerts.filter(hour_start__gte=day_start(start, zone))
    if end:
        alerts = alerts.filter(hour_start__lt=day_start(end + timedelta(days=1), zone))
    if unread is not None:
        alerts = alerts.filter(unread_by_caller(unread))
    return alerts


def mark_read(alert: Alert, user: TokenUser) -> Alert:
    """``user`` has read ``alert``; reading it again, even at the same instant from another
    request, keeps the first time (the second insert is a conflict it skips)."""
    AlertRead.objects.bulk_create(
        [AlertRead(alert=alert, user_id=user.id, read_at=timezone.now())], ignore_conflicts=True
    )
    read = AlertRead.objects.get(alert=alert, user_id=user.id)
    alert.read_at = read.read_at  # type: ignore[attr-defined]  # visible_alerts' annotation
    return alert


# Every alert of the subquery read by one user now, in one statement whatever their number;
# those read already (or by a concurrent request) are conflicts it skips.
MARK_READ_SQL = """
INSERT INTO monitoring_alert_read (alert_id, user_id, read_at)
SELECT unread.id, %s, %s FROM ({unread}) AS unread
ON CONFLICT (alert_id, user_id) DO NOTHING
"""


def mark_all_read(user: TokenUser) -> int:
    """Mark every alert the caller sees and has not read as read by the caller; how many."""
    unread = visible_alerts(user).filter(unread_by_caller()).order_by().values("id")
    sql, params = unread.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(MARK_READ_SQL.format(unread=sql), [user.id, timezone.now(), *params])
        return cursor.rowcount
