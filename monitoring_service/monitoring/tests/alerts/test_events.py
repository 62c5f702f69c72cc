"""An alert's event carries the alert exactly as the API shows it (the WebSocket pushes it)."""

import json
import uuid

import pytest
from rest_framework.renderers import JSONRenderer

from ems_common.messaging.topology import ALERTS_EXCHANGE
from ems_common.outbox.models import OutboxEvent
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.ingestion.store import store_readings
from monitoring.models import Alert
from monitoring.tests.alerts.test_detection import HOUR, device_with_max, readings


@pytest.mark.django_db
def test_the_events_alert_is_the_apis_alert() -> None:
    device = device_with_max("0.5", uuid.uuid4())
    store_readings(readings(device, HOUR, 6, offset_minutes=3))

    [event] = OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE)
    alert = Alert.objects.select_related("device").get(device=device)
    api_shape = json.loads(JSONRenderer().render(AlertSerializer(alert).data))
    assert event.payload["data"]["alert"] == api_shape
