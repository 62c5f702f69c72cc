"""An alert's event carries the alert exactly as the API shows it (the WebSocket pushes it)."""

import json
import uuid

import pytest
from rest_framework.renderers import JSONRenderer

from ems_common.auth import TokenUser
from ems_common.messaging.topology import ALERTS_EXCHANGE
from ems_common.outbox.models import OutboxEvent
from monitoring.alerts.services import visible_alerts
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.ingestion.store import store_readings
from monitoring.models import User
from monitoring.tests.alerts.test_detection import HOUR, device_with_max, readings


@pytest.mark.django_db
@pytest.mark.parametrize("owner_synced", [True, False])
def test_the_events_alert_is_the_apis_alert_to_its_owner(owner_synced: bool) -> None:
    owner = uuid.uuid4()
    if owner_synced:
        User.objects.create(id=owner, username="kim", role="client")
    device = device_with_max("0.5", owner)
    store_readings(readings(device, HOUR, 6, offset_minutes=3))

    [event] = OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE)
    alert = visible_alerts(TokenUser(id=owner, username="kim", role="client")).get(device=device)
    api_shape = json.loads(JSONRenderer().render(AlertSerializer(alert).data))
    assert event.payload["data"]["alert"] == api_shape
    assert api_shape["read_at"] is None and api_shape["owner_id"] == str(owner)
