"""EMS device simulator: smart-meter readings to RabbitMQ's ``device_data_queue``.

    python device_simulator/simulator.py --config device_simulator/config.json --device-id UUID

Each reading is ``{"timestamp": epoch ms, "device_id": uuid, "measurement_value": kWh}``, the kWh
of the 10 minutes ending at ``timestamp`` (DESIGN §4), published persistent with publisher
confirms; a reading the broker did not confirm is retried with capped exponential backoff until it
is, or until Ctrl+C/SIGTERM. See README.md next to this file.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from options import USAGE_ERROR, ConfigError, Settings, settings_from
from pattern import READING_PERIOD, EnergyPatternGenerator

try:
    from pika.adapters.blocking_connection import BlockingChannel

    from ems_common.messaging.connection import Backoff
    from ems_common.messaging.publisher import MessageUnroutable, Publisher, PublishError
    from ems_common.messaging.signals import stop_on_signals
    from ems_common.settings import BrokerConfig
except ImportError as missing:  # run outside the project's virtualenv
    sys.exit(
        f"simulator.py needs pika and the project's ems_common package ({missing}); "
        "run it with the project's Python: .venv/bin/python device_simulator/simulator.py"
    )

log = logging.getLogger("simulator")

MAX_RETRY_DELAY = 30.0
HEARTBEAT_SLICE = 10.0  # seconds between heartbeat checks while waiting for the next reading


class SimulatorPublisher:
    """Sends readings with confirms; retries one until it is confirmed or ``stop`` is set."""

    def __init__(self, settings: Settings, stop: threading.Event) -> None:
        broker = settings.broker
        config = BrokerConfig(broker.host, broker.port, broker.user, broker.password, broker.vhost)
        self.queue = settings.queue
        self.stop = stop
        self.publisher = Publisher(config, declare=self._declare, name="ems device simulator")

    def _declare(self, channel: BlockingChannel) -> None:
        # As the project declares it (ems_common.messaging.topology): durable, no arguments.
        channel.queue_declare(self.queue, durable=True)

    def send_measurement(self, reading: dict[str, Any]) -> bool:
        """True once the broker confirmed ``reading``; False if stopped before that."""
        body = json.dumps(reading).encode()
        message_id = f"{reading['device_id']}:{reading['timestamp']}"
        backoff = Backoff(maximum=MAX_RETRY_DELAY)
        while not self.stop.is_set():
            try:
                self.publisher.publish("", self.queue, body, message_id=message_id)
                return True
            except PublishError as exc:
                if isinstance(exc, MessageUnroutable):
                    self.publisher.close()  # the queue went away: declare it again
                delay = backoff.next_delay()
                log.warning("reading %s not confirmed (%s); retry in %.1fs", message_id, exc, delay)
                self.stop.wait(delay)
        return False

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``, answering heartbeats; False if stopped meanwhile."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.stop.wait(min(remaining, HEARTBEAT_SLICE)):
                return False
            self.publisher.process_events()
        return not self.stop.is_set()

    def close(self) -> None:
        self.publisher.close()


def floor_to_period(moment: datetime) -> datetime:
    minutes = READING_PERIOD.seconds // 60
    return moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)


def schedule(settings: Settings, now: datetime) -> Iterator[tuple[datetime, bool]]:
    """(timestamp, is_backfill) of every reading, 10 minutes apart, endless."""
    if settings.backfill_days is not None:
        last = floor_to_period(now)
        backfilled = max(1, round(settings.backfill_days * 24 * 6))
        first = last - (backfilled - 1) * READING_PERIOD
        for index in range(backfilled):
            yield first + index * READING_PERIOD, True
        moment = last + READING_PERIOD
    else:
        moment = settings.start or floor_to_period(now)
    while True:
        yield moment, False
        moment += READING_PERIOD


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def generators(settings: Settings) -> dict[str, EnergyPatternGenerator]:
    def rng(device_id: str) -> random.Random:
        # One stream per device, so adding a device does not change the others' readings.
        return random.Random(f"{settings.seed}:{device_id}" if settings.seed is not None else None)

    return {
        device_id: EnergyPatternGenerator(settings.base_load_kwh, settings.tz, rng(device_id))
        for device_id in settings.device_ids
    }


def run(settings: Settings, stop: threading.Event) -> int:
    """Send readings until ``count`` ticks are done or ``stop`` is set; the exit code."""
    patterns = generators(settings)
    publisher = SimulatorPublisher(settings, stop)
    ticks = schedule(settings, datetime.now(UTC))
    if settings.count is not None:
        ticks = itertools.islice(ticks, settings.count)
    broker = settings.broker
    log.info(
        "simulating %s -> queue %r on %s:%s vhost %r, every %gs",
        ", ".join(settings.device_ids),
        settings.queue,
        broker.host,
        broker.port,
        broker.vhost,
        settings.interval_seconds,
    )
    sent = 0
    try:
        for index, (moment, backfill) in enumerate(ticks):
            if sent and not backfill and not publisher.pause(settings.interval_seconds):
                break
            for device_id, pattern in patterns.items():
                reading = {
                    "timestamp": epoch_ms(moment),
                    "device_id": device_id,
                    "measurement_value": pattern.generate_measurement(moment),
                }
                if not publisher.send_measurement(reading):
                    log.warning("stopped before reading %s was confirmed", reading)
                    break
                sent += 1
                if settings.print_json:
                    print(json.dumps(reading), flush=True)
                if not backfill or (index + 1) % settings.log_every == 0:
                    log.info(
                        "sent %s%s %s kWh (%s)",
                        "backfill " if backfill else "",
                        moment.isoformat(),
                        reading["measurement_value"],
                        device_id,
                    )
            if stop.is_set():
                break
    finally:
        publisher.close()
    log.info("stopped after %d reading(s)", sent)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    # pika logs every connection step; the retry warnings above already say what went wrong.
    logging.getLogger("pika").setLevel(logging.CRITICAL)
    try:
        settings = settings_from(argv)
    except ConfigError as exc:
        print(f"simulator.py: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    stop = threading.Event()
    try:
        with stop_on_signals(stop.set, "simulator"):
            return run(settings, stop)
    except KeyboardInterrupt:
        log.info("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
