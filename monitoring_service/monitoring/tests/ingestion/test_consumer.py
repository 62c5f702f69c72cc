"""consume_measurements against the real RabbitMQ and PostgreSQL, on a queue of its own."""

import os
import random
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from ems_common.messaging.consumer import ERROR_HEADER
from ems_common.messaging.topology import dlq_name
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import drain, message_count, wait_until
from monitoring.models import Device
from monitoring.tests.ingestion.helpers import (
    assert_rollups_exact,
    body,
    consume_with_two_runners,
    day_of_readings,
    devices_with_a_day,
    epoch_ms,
    expected_hourly,
    hourly,
    make_device,
    publish_all,
    running_consumer,
    stored_count,
)

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime(2026, 6, 1, tzinfo=UTC)
SERVICE_DIR = Path(__file__).resolve().parents[3]


def mixed_format(ts: datetime, index: int) -> object:
    """Every third reading in each of the three timestamp formats."""
    return [epoch_ms(ts), int(ts.timestamp()), ts.isoformat()][index % 3]


def test_a_day_in_mixed_formats_and_random_order_gives_exact_hourly_totals(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    device = make_device()
    readings = day_of_readings(DAY)
    bodies = [body(device.id, mixed_format(ts, i), float(v)) for i, (ts, v) in enumerate(readings)]
    random.Random(3).shuffle(bodies)
    publish_all(unique_queue, bodies, broker_config)

    with running_consumer(unique_queue, broker_config):
        wait_until(lambda: stored_count(device.id) == 144, timeout=15, what="144 readings")

    assert hourly(device.id) == expected_hourly(readings)
    assert_rollups_exact(device.id)
    assert len(hourly(device.id)) == 24
    assert drain(dlq_name(unique_queue)) == []


def test_the_same_readings_delivered_again_change_nothing(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    device = make_device()
    readings = day_of_readings(DAY)
    bodies = [body(device.id, epoch_ms(ts), float(v)) for ts, v in readings]

    with running_consumer(unique_queue, broker_config):
        publish_all(unique_queue, bodies, broker_config)
        wait_until(lambda: stored_count(device.id) == 144, timeout=15, what="first delivery")
        publish_all(unique_queue, bodies, broker_config)
        wait_until(lambda: message_count(unique_queue) == 0, timeout=15, what="second delivery")

    assert stored_count(device.id) == 144
    assert hourly(device.id) == expected_hourly(readings)
    assert_rollups_exact(device.id)


def test_two_consumers_in_parallel_give_exact_totals(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    devices, readings, bodies = devices_with_a_day(5, DAY)
    random.Random(5).shuffle(bodies)
    publish_all(unique_queue, bodies, broker_config)

    consume_with_two_runners(unique_queue, broker_config, devices, 720, batch_size=40)

    for device in devices:
        assert hourly(device.id) == expected_hourly(readings)
        assert_rollups_exact(device.id)


def test_every_kind_of_bad_reading_is_dead_lettered_with_its_reason_and_good_ones_stored(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    device = make_device()
    good_ts = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    stranger = uuid.uuid4()
    bad = {
        b"{not json": "not JSON",
        b'"just a string"': "not a JSON object",
        body(device.id, epoch_ms(good_ts), 0.5).replace(b'"device_id"', b'"dev"'): "missing",
        body(device.id, epoch_ms(good_ts), -1): "negative",
        body(device.id, epoch_ms(good_ts), "lots"): "expected a number",
        body(device.id, epoch_ms(good_ts), 1).replace(b"1}", b"NaN}"): "not a finite number",
        body(device.id, epoch_ms(good_ts), 1).replace(b"1}", b"Infinity}"): "not a finite",
        body(device.id, "not a time", 1): "not ISO-8601",
        body(device.id, 99, 1): "outside 2000-01-01..2100-01-01",
        body("not-a-uuid", epoch_ms(good_ts), 1): "is not a UUID",
        body(stranger, epoch_ms(good_ts), 1): f"unknown device {stranger}",
    }
    good = [body(device.id, epoch_ms(good_ts.replace(minute=m)), 0.25) for m in (0, 10, 20)]
    mixed = list(bad) + good
    random.Random(1).shuffle(mixed)
    publish_all(unique_queue, mixed, broker_config)

    with running_consumer(unique_queue, broker_config):
        wait_until(lambda: stored_count(device.id) == 3, timeout=15, what="good readings")
        dead = drain(dlq_name(unique_queue), count=len(bad), timeout=10)

    assert hourly(device.id) == {good_ts: Decimal("0.75")}
    reasons = {message.body: message.headers[ERROR_HEADER] for message in dead}
    assert set(reasons) == set(bad)
    for raw, reason in bad.items():
        assert reason in reasons[raw]


def test_replay_dlq_stores_a_reading_once_its_device_is_known(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    late_id = uuid.uuid4()
    ts = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    publish_all(unique_queue, [body(late_id, epoch_ms(ts), 1.25)] * 2, broker_config)

    with running_consumer(unique_queue, broker_config):
        wait_until(lambda: message_count(dlq_name(unique_queue)) == 2, timeout=15, what="dlq")
        Device.objects.create(id=late_id, name="Late", max_hourly_consumption_kwh=5)
        call_command("replay_dlq", "--queue", unique_queue, "--limit", "1")
        wait_until(lambda: stored_count(late_id) == 1, timeout=15, what="replayed reading")
        call_command("replay_dlq", "--queue", unique_queue)
        wait_until(lambda: message_count(unique_queue) == 0, timeout=15, what="second replay")

    assert message_count(dlq_name(unique_queue)) == 0
    assert hourly(late_id) == {ts.replace(minute=0): Decimal("1.25")}


def start_consumer_process(queue: str, config: BrokerConfig) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MONITORING_DB_NAME": connection.settings_dict["NAME"],
        "RABBITMQ_VHOST": config.vhost,
        "EMS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "manage.py", "consume_measurements", "--queue", queue]
    return subprocess.Popen(
        [*command, "--batch-size", "200", "--max-wait", "0.05"], cwd=SERVICE_DIR, env=env
    )


def test_a_consumer_killed_mid_run_and_restarted_gives_exact_totals(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    devices, readings, bodies = devices_with_a_day(10, DAY)
    publish_all(unique_queue, bodies, broker_config)
    total = len(bodies)

    process = start_consumer_process(unique_queue, broker_config)
    try:
        stored_now = wait_until(
            lambda: sum(stored_count(d.id) for d in devices), timeout=30, what="first batch"
        )
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert stored_now < total, "consumer finished before it could be killed"

    process = start_consumer_process(unique_queue, broker_config)
    try:
        wait_until(
            lambda: sum(stored_count(d.id) for d in devices) == total, timeout=30, what="all"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)

    for device in devices:
        assert hourly(device.id) == expected_hourly(readings)
        assert_rollups_exact(device.id)
