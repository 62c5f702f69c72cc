"""EMS device simulator: smart-meter readings to RabbitMQ's ``ems.readings`` exchange (bound to
``device_data_queue``), as EMS's meter identity, which may write there and nowhere else; or,
with a device's meter key (``--meter-key FILE``), to its own topic over AMQP or (``--mqtt``)
MQTT.

    pip install -r device_simulator/requirements.txt
    python device_simulator/simulator.py --config device_simulator/config.json

Standalone: it needs pika, paho-mqtt and tqdm, nothing of the EMS project. Each reading is
``{"timestamp": epoch ms, "device_id": uuid, "measurement_value": kWh}`` (what monitoring_service
reads), or with ``--register`` ``{"timestamp", "device_id", "energy_total_kwh"}`` (the running
total), persistent, with publisher confirms; a reading is kept until the broker confirmed it.
Modes: live (default), backfill (``--backfill-from/--backfill-to``), CSV replay (``--csv``). See
README.md.

Exit codes: 0 done (or stopped with every reading confirmed), 1 stopped with readings left
unconfirmed, 2 a bad setting, 3 the broker refused the user, vhost, exchange or queue.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

if __name__ == "__main__":
    # Until run() installs its handlers (finish the readings in flight): just exit, quietly.
    for _signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_signal, lambda signum, frame: sys.exit(128 + signum))

from options import USAGE_ERROR, BrokerSettings, ConfigError, Settings, settings_from  # noqa: E402

try:
    import paho.mqtt.client  # noqa: F401 (--mqtt)
    import pika
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm
except ImportError as missing:  # one line, not a traceback
    requirements = Path(__file__).with_name("requirements.txt")
    sys.exit(f"simulator.py: error: {missing.name} is missing: pip install -r {requirements}")

from mqtt_publisher import MqttPublisher  # noqa: E402 (needs paho-mqtt)
from publisher import BrokerRefused, ConfirmingPublisher  # noqa: E402 (needs pika)
from readings import Reading, decimal_text, plan  # noqa: E402

UNCONFIRMED_LEFT = 1
BROKER_REFUSED = 3

log = logging.getLogger("simulator")


def connection_parameters(broker: BrokerSettings) -> list[pika.ConnectionParameters]:
    """One set per node: the publisher moves to the next one when its node goes."""
    return [
        pika.ConnectionParameters(
            host=host,
            port=port,
            virtual_host=broker.vhost,
            credentials=pika.PlainCredentials(broker.user, broker.password),
            client_properties={"connection_name": "ems device simulator"},
            connection_attempts=1,  # the publisher retries, with backoff and a log line
        )
        for host, port in broker.nodes
    ]


class Console:
    """What the user sees of each confirmed reading: a log line live, a progress bar backfilling."""

    def __init__(self, settings: Settings, total: int | None) -> None:
        self.settings = settings
        self.confirmed = 0
        self.bar = tqdm(
            total=total,
            unit=" readings",
            desc="backfill",
            file=sys.stderr,
            disable=not settings.backfill,
            mininterval=0.5,
            dynamic_ncols=True,
        )

    def on_confirmed(self, reading: Reading) -> None:
        self.confirmed += 1
        if self.settings.print_json:
            print(reading.body.decode(), flush=True)
        if self.settings.backfill:
            self.bar.update()
        elif reading.register is not None:
            log.info(
                "%s %s register %s kWh (+%.4f kWh)",
                reading.moment.isoformat(),
                reading.device_id,
                decimal_text(reading.register),
                reading.kwh,
            )
        else:
            log.info("%s %s %.4f kWh", reading.moment.isoformat(), reading.device_id, reading.kwh)

    def close(self) -> None:
        self.bar.close()


def describe(settings: Settings) -> str:
    broker = settings.broker
    if settings.backfill:
        mode = f"backfill {settings.backfill_from}..{settings.backfill_to}"
    else:
        mode = f"live every {settings.interval_seconds:g} s"
        if settings.start is not None:
            mode += f" from {settings.start.isoformat()} at {settings.speed:g}x"
    source = f"csv {settings.csv_path}" if settings.csv_path else "daily pattern"
    if settings.register is not None:
        source += f" as a register from {decimal_text(settings.register)} kWh"
        if settings.register_reset_after is not None:
            source += f", reset after {settings.register_reset_after} readings"
    if settings.mqtt is not None:
        mqtt = settings.mqtt
        return (
            f"{mode}, {source}, {len(settings.device_ids)} device(s) -> MQTT topic "
            f"{mqtt.topic!r} (QoS 1) on {mqtt.host}:{mqtt.port} as {mqtt.username!r}"
        )
    if broker.exchange:
        target = f"exchange {broker.exchange!r} (routing key {broker.queue!r})"
    else:
        target = f"queue {broker.queue!r} (default exchange)"
    return (
        f"{mode}, {source}, {len(settings.device_ids)} device(s) -> {target} "
        f"on {','.join(f'{host}:{port}' for host, port in broker.nodes)} "
        f"vhost {broker.vhost!r} as {broker.user!r}"
    )


def run(settings: Settings) -> int:
    """Send the plan's readings; the exit code."""
    try:
        readings = plan(settings, time.time())
    except ConfigError as exc:  # a combination only the plan can tell (its reading count)
        print(f"simulator.py: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if settings.generated_devices:
        print("\n".join(settings.device_ids), flush=True)
    log.info("simulating: %s", describe(settings))
    console = Console(settings, readings.total)
    publisher: ConfirmingPublisher | MqttPublisher
    if settings.mqtt is not None:
        publisher = MqttPublisher(
            settings.mqtt, window=settings.window, on_confirmed=console.on_confirmed
        )
    else:
        publisher = ConfirmingPublisher(
            connection_parameters(settings.broker),
            settings.broker.queue,
            window=settings.window,
            on_confirmed=console.on_confirmed,
            exchange=settings.broker.exchange,
        )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        publisher.request_stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        with logging_redirect_tqdm():  # log lines above the progress bar, not through it
            publisher.run(readings.items)
    except BrokerRefused as exc:
        console.close()
        print(f"simulator.py: error: {exc}", file=sys.stderr)
        return BROKER_REFUSED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.close()
    seconds = time.monotonic() - started
    log.info(
        "done: %d reading(s) confirmed in %.2f s (%.0f readings/s); %d sent again",
        console.confirmed,
        seconds,
        console.confirmed / seconds if seconds > 0 else 0.0,
        publisher.resent,
    )
    if publisher.unsent:
        log.warning("stopped with %d reading(s) not confirmed by RabbitMQ", publisher.unsent)
        return UNCONFIRMED_LEFT
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    # pika logs every connection step; the publisher's warnings already say what went wrong.
    logging.getLogger("pika").setLevel(logging.CRITICAL)
    try:
        settings = settings_from(argv)
    except ConfigError as exc:
        print(f"simulator.py: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
