"""Overconsumption alerts: who sees which, marking them read, and their events.

Alerts are created by the ingestion statement (monitoring.ingestion); this module announces them
on ``ems.alerts`` through the outbox, in the transaction that created them, so an alert is
published once the batch commits and never lost while the broker is away.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from ems_common.auth import TokenUser
from ems_common.contracts import AlertRaised, AlertShape
from ems_common.outbox.services import publish_events
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.models import Alert

ALERT_EVENT = AlertRaised.type
# Alerts never change after creation (read_at is the reader's state), so every event is version 1.
ALERT_EVENT_VERSION = 1


def queue_alert_events(alert_ids: Iterable[uuid.UUID]) -> None:
    """One ``alert.overconsumption`` event per new alert, in the caller's transaction.

    An event carries the API's alert shape and whom to tell (``owner_id``). One serializer pass
    and one INSERT for all of them: a batch (a backfill) can take many device-hours over at once.
    """
    alerts = list(
        Alert.objects.select_related("device")
        .filter(id__in=list(alert_ids))
        .order_by("hour_start", "device_id")
    )
    shapes = AlertSerializer(alerts, many=True).data
    publish_events(
        [
            (
                AlertRaised(owner_id=alert.owner_id, alert=AlertShape.model_validate(shape)),
                ALERT_EVENT_VERSION,
            )
            for alert, shape in zip(alerts, shapes, strict=True)
        ]
    )


def visible_alerts(user: TokenUser | None) -> QuerySet[Alert]:
    """Admins see every alert, anyone else the alerts of the devices they own now."""
    if user is None:  # schema generation: no caller
        return Alert.objects.none()
    alerts = Alert.objects.select_related("device")
    if user.is_admin:
        return alerts
    return alerts.filter(device__owner_id=user.id)


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
