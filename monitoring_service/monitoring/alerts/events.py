"""``alert.overconsumption`` events: an alert's shape on ``ems.alerts``, through the outbox.

Alerts are created by the ingestion statement (monitoring.ingestion.store); their events go to
the outbox in the transaction that created them, so an alert is published once the batch
commits and never lost while the broker is away.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from ems_common.contracts import AlertRaised, AlertShape
from ems_common.outbox.services import publish_events
from monitoring.models import Alert
from monitoring.owners import owner_username

ALERT_EVENT = AlertRaised.type
# Alerts never change after creation (reads are each reader's, AlertRead), so every event is
# version 1.
ALERT_EVENT_VERSION = 1


def alert_data(alert: Alert) -> dict[str, Any]:
    """The alert as the API shows it (the WebSocket pushes it as is); the outbox makes it JSON.

    ``alert`` has the ``owner_username`` annotation (queue_alert_events). A new alert is unread
    by everyone, so ``read_at`` is None for whoever the push reaches.
    """
    return {
        "id": alert.id,
        "device_id": alert.device_id,
        "device_name": alert.device.name,
        "owner_id": alert.owner_id,
        "owner_username": alert.owner_username,  # type: ignore[attr-defined]
        "hour_start": alert.hour_start,
        "kwh": alert.kwh,
        "max_kwh": alert.max_kwh,
        "created_at": alert.created_at,
        "read_at": None,
    }


def queue_alert_events(alert_ids: Iterable[uuid.UUID]) -> None:
    """One ``alert.overconsumption`` event per new alert, in the caller's transaction.

    An event carries the API's alert shape and whom to tell (``owner_id``). One query and one
    INSERT for all of them: a batch (a backfill) can take many device-hours over at once.
    """
    alerts = (
        Alert.objects.select_related("device")
        .annotate(owner_username=owner_username())
        .filter(id__in=list(alert_ids))
        .order_by("hour_start", "device_id")
    )
    publish_events(
        [
            (
                AlertRaised(owner_id=alert.owner_id, alert=AlertShape(**alert_data(alert))),
                ALERT_EVENT_VERSION,
            )
            for alert in alerts
        ]
    )
