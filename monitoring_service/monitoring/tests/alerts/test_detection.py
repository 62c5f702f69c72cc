"""Overconsumption detection in the ingestion statement: one alert per device-hour over the max."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ems_common.messaging.topology import ALERTS_EXCHANGE
from ems_common.outbox.models import OutboxEvent
from ems_common.testing.threads import at_once
from monitoring.alerts.events import ALERT_EVENT
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import Alert, Device, User

HOUR = datetime(2026, 3, 2, 10, tzinfo=UTC)
FIFTH = Decimal("0.2")


def device_with_max(max_kwh: str = "0.5", owner_id: uuid.UUID | None = None) -> Device:
    return Device.objects.create(
        id=uuid.uuid4(), name="Kettle", owner_id=owner_id, max_hourly_consumption_kwh=max_kwh
    )


def readings(device: Device, hour: datetime, count: int, *, offset_minutes: int = 0) -> list:
    """``count`` readings of 0.2 kWh, ten minutes apart from hour + offset."""
    return [
        Reading(device.id, hour + timedelta(minutes=offset_minutes + 10 * i), FIFTH)
        for i in range(count)
    ]


@pytest.mark.django_db
class TestDetection:
    def test_six_readings_over_the_max_give_one_alert_with_the_hours_total(self) -> None:
        owner = uuid.uuid4()
        device = device_with_max("0.5", owner)

        result = store_readings(readings(device, HOUR, 6))

        alert = Alert.objects.get(device=device)
        assert result.alerts == (alert.id,)
        assert (alert.hour_start, alert.kwh, alert.max_kwh) == (
            HOUR,
            Decimal("1.2"),
            Decimal("0.5"),
        )
        assert alert.owner_id == owner
        assert not alert.reads.exists()

    def test_six_more_readings_in_that_hour_raise_no_second_alert(self) -> None:
        device = device_with_max()
        store_readings(readings(device, HOUR, 6))

        again = store_readings(readings(device, HOUR, 6, offset_minutes=5))

        assert again.stored == 6 and again.alerts == ()
        alert = Alert.objects.get(device=device)
        assert alert.kwh == Decimal("1.2")  # the total when it went over, not now (2.4)

    def test_an_hour_under_the_max_raises_none(self) -> None:
        device = device_with_max("1.2")  # exactly the max is not over it

        store_readings(readings(device, HOUR, 6))

        assert not Alert.objects.filter(device=device).exists()

    def test_readings_one_per_batch_alert_at_the_one_that_crosses(self) -> None:
        device = device_with_max()
        raised = [store_readings([r]).alerts for r in readings(device, HOUR, 6)]

        assert [bool(ids) for ids in raised] == [False, False, True, False, False, False]
        assert Alert.objects.get(device=device).kwh == Decimal("0.6")

    def test_a_redelivered_batch_raises_no_second_alert(self) -> None:
        device = device_with_max()
        batch = readings(device, HOUR, 6)
        store_readings(batch)

        assert store_readings(batch).alerts == ()
        assert Alert.objects.filter(device=device).count() == 1

    def test_a_late_reading_pushing_a_past_hour_over_raises_that_hours_alert(self) -> None:
        device = device_with_max()
        past = HOUR - timedelta(days=3)
        store_readings(readings(device, past, 2))  # 0.4
        store_readings(readings(device, HOUR, 1))  # the meter moved on

        store_readings([Reading(device.id, past + timedelta(minutes=50), FIFTH)])

        alert = Alert.objects.get(device=device)
        assert (alert.hour_start, alert.kwh) == (past, Decimal("0.6"))

    def test_each_hour_and_device_gets_its_own_alert(self) -> None:
        first, second = device_with_max(), device_with_max()
        batch = [*readings(first, HOUR, 3), *readings(first, HOUR + timedelta(hours=1), 3)]
        batch += readings(second, HOUR, 3)

        assert len(store_readings(batch).alerts) == 3
        events = OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE)
        alert_ids = {str(alert.id) for alert in Alert.objects.all()}
        assert {event.payload["data"]["alert"]["id"] for event in events} == alert_ids

    def test_a_changed_max_leaves_past_alerts_as_they_were(self) -> None:
        device = device_with_max()
        store_readings(readings(device, HOUR, 3))
        Device.objects.filter(id=device.id).update(max_hourly_consumption_kwh="0.1")

        store_readings(readings(device, HOUR, 3, offset_minutes=5))

        alert = Alert.objects.get(device=device)
        assert (alert.kwh, alert.max_kwh) == (Decimal("0.6"), Decimal("0.5"))

    def test_each_new_alert_queues_one_event_for_ems_alerts(self) -> None:
        owner = uuid.uuid4()
        User.objects.create(id=owner, username="kim", role="client")
        device = device_with_max("0.5", owner)

        store_readings(readings(device, HOUR, 6))
        store_readings(readings(device, HOUR, 6, offset_minutes=5))

        events = list(OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE))
        assert len(events) == 1
        event = events[0]
        alert = Alert.objects.get(device=device)
        assert event.routing_key == ALERT_EVENT and event.sent_at is None
        assert event.payload["type"] == ALERT_EVENT
        assert event.payload["data"]["owner_id"] == str(owner)
        assert event.payload["data"]["alert"] == {
            "id": str(alert.id),
            "device_id": str(device.id),
            "device_name": "Kettle",
            "owner_id": str(owner),
            "owner_username": "kim",
            "hour_start": "2026-03-02T10:00:00Z",
            "kwh": 1.2,
            "max_kwh": 0.5,
            "created_at": event.payload["data"]["alert"]["created_at"],
            "read_at": None,
        }

    def test_no_alert_no_event(self) -> None:
        store_readings(readings(device_with_max("10"), HOUR, 6))

        assert not OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE).exists()


@pytest.mark.django_db(transaction=True)
def test_two_batches_committing_at_once_raise_one_alert() -> None:
    """Each batch alone takes the hour over the max; the row lock makes only one the crossing."""
    device = device_with_max()
    batches = [readings(device, HOUR, 3), readings(device, HOUR, 3, offset_minutes=5)]
    results = at_once(store_readings, batches)

    assert len(results) == 2
    assert sorted(len(result.alerts) for result in results) == [0, 1]
    alert = Alert.objects.get(device=device)
    assert alert.kwh == Decimal("0.6")
    assert OutboxEvent.objects.filter(exchange=ALERTS_EXCHANGE).count() == 1
