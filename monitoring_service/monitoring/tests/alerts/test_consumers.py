"""Alerts through real consume_measurements runners: competing consumers and redelivery."""

from datetime import UTC, datetime, timedelta

import pytest

from ems_common.settings import BrokerConfig
from ems_common.testing.broker import message_count, wait_until
from monitoring.models import Alert, Device
from monitoring.tests.alerts.test_detection import device_with_max
from monitoring.tests.ingestion.helpers import (
    body,
    consume_with_two_runners,
    epoch_ms,
    publish_all,
    running_consumer,
)

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = datetime(2026, 3, 3, 7, tzinfo=UTC)


def hour_of_bodies(device: Device, count: int = 60) -> list[bytes]:
    """``count`` readings of 0.2 kWh spread over one hour (one a minute)."""
    return [body(device.id, epoch_ms(HOUR + timedelta(minutes=i)), 0.2) for i in range(count)]


def test_two_consumers_raise_one_alert_per_device_hour(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    devices = [device_with_max("0.5") for _ in range(4)]
    bodies = [payload for device in devices for payload in hour_of_bodies(device)]
    publish_all(unique_queue, bodies, broker_config)

    consume_with_two_runners(unique_queue, broker_config, devices, 240, batch_size=7)

    for device in devices:
        assert Alert.objects.filter(device=device).count() == 1


def test_readings_delivered_again_raise_no_second_alert(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    device = device_with_max("0.5")
    bodies = hour_of_bodies(device, 6)

    with running_consumer(unique_queue, broker_config):
        publish_all(unique_queue, bodies, broker_config)
        wait_until(lambda: Alert.objects.filter(device=device).exists(), timeout=15, what="alert")
        publish_all(unique_queue, bodies, broker_config)
        wait_until(lambda: message_count(unique_queue) == 0, timeout=15, what="redelivery")

    assert Alert.objects.filter(device=device).count() == 1
