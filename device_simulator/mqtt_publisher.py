"""Readings over MQTT with a meter key (``--mqtt``): QoS 1, each kept until its PUBACK.

RabbitMQ's MQTT plugin acknowledges a QoS 1 publish once the reading is routed to
``device_data_queue`` and, the reading being persistent, written to disk, so a PUBACK means it
is safe. paho-mqtt's network thread does the sending: up to ``window`` publishes await their
PUBACK; a lost connection is reconnected with backoff and paho sends every unacknowledged
publish again (the same reading twice is stored once). A refused login before any success ends
the run (exit 3); after one (a broker restarting) it is retried.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import paho.mqtt.client as mqtt
from options import MqttSettings
from paho.mqtt.enums import CallbackAPIVersion
from publisher import FIRST_RETRY_DELAY, MAX_RETRY_DELAY, BrokerRefused
from readings import Reading, Scheduled

log = logging.getLogger("simulator")
QOS = 1
KEEPALIVE_SECONDS = 30


class MqttPublisher:
    def __init__(
        self,
        settings: MqttSettings,
        *,
        window: int,
        on_confirmed: Any,
        max_retry_delay: float = MAX_RETRY_DELAY,
    ) -> None:
        self.settings = settings
        self.window = window
        self.on_confirmed = on_confirmed
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"ems-simulator-{uuid.uuid4().hex[:12]}",
            # Nothing kept at the broker (a meter key may declare no queue); paho itself sends
            # every publish still awaiting its PUBACK again after a reconnect.
            clean_session=True,
        )
        self.client.username_pw_set(settings.username, settings.password)
        self.client.max_inflight_messages_set(window)
        self.client.max_queued_messages_set(0)  # unlimited: we bound what we hand over
        self.client.reconnect_delay_set(
            min_delay=max(1, int(FIRST_RETRY_DELAY)), max_delay=int(max_retry_delay)
        )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish
        self.lock = threading.Condition()
        self.unacked: dict[int, Reading] = {}
        self.early: set[int] = set()  # PUBACKs of publishes whose mid is not in unacked yet
        self.was_connected = False
        self.fatal: str | None = None
        self.stopping = False
        self.resent = 0
        self.reconnects = 0

    @property
    def unsent(self) -> int:
        with self.lock:
            return len(self.unacked)

    def request_stop(self) -> None:
        with self.lock:
            if self.stopping:
                self.fatal = self.fatal or ""  # twice: at once
            self.stopping = True
            self.lock.notify_all()

    def run(self, source: Iterator[Scheduled]) -> None:
        where = f"{self.settings.host}:{self.settings.port}"
        self.client.connect_async(self.settings.host, self.settings.port, KEEPALIVE_SECONDS)
        self.client.loop_start()
        try:
            for due, reading in source:
                if not self._wait_until_due(due) or not self._wait_for_room():
                    break
                self._publish(reading)
            self._wait_for_all_acked()
        finally:
            self.client.disconnect()
            self.client.loop_stop()
        if self.fatal:
            raise BrokerRefused(f"MQTT at {where}: {self.fatal}")

    # --- in the caller's thread -----------------------------------------------------------

    def _wait_until_due(self, due: float | None) -> bool:
        with self.lock:
            while due is not None and not self._over():
                wait = due - time.time()
                if wait <= 0:
                    break
                self.lock.wait(wait)
            return not self._over()

    def _wait_for_room(self) -> bool:
        with self.lock:
            while len(self.unacked) >= self.window and not (self.fatal is not None):
                self.lock.wait(0.5)
            return self.fatal is None

    def _wait_for_all_acked(self) -> None:
        with self.lock:
            while self.unacked and self.fatal is None:
                self.lock.wait(0.5)

    def _over(self) -> bool:
        return self.stopping or self.fatal is not None

    def _publish(self, reading: Reading) -> None:
        # Not under ``lock``: paho's network thread calls on_publish holding paho's own lock,
        # which publish() takes too, so holding ours here would deadlock the two threads. A
        # PUBACK that comes before the reading is in ``unacked`` waits in ``early``.
        info = self.client.publish(self.settings.topic, reading.body, qos=QOS)
        with self.lock:
            acked = info.mid in self.early
            if acked:
                self.early.discard(info.mid)
            else:
                self.unacked[info.mid] = reading
        if acked:
            self.on_confirmed(reading)

    # --- paho's network thread ------------------------------------------------------------

    def _on_connect(
        self, _client: Any, _userdata: Any, _flags: Any, code: Any, _props: Any
    ) -> None:
        if not code.is_failure:
            with self.lock:
                if self.was_connected:
                    log.info(
                        "MQTT connected again; %d reading(s) awaiting PUBACK resent",
                        len(self.unacked),
                    )
                    self.resent += len(self.unacked)
                self.was_connected = True
            return
        if not self.was_connected:
            with self.lock:
                self.fatal = (
                    f"refused user {self.settings.username!r} ({code}): wrong or revoked meter key"
                )
                self.lock.notify_all()
            self.client.disconnect()
            return
        log.warning("MQTT login refused (%s); retrying", code)

    def _on_disconnect(
        self, _client: Any, _userdata: Any, _flags: Any, code: Any, _props: Any
    ) -> None:
        if self.fatal is None and not (self.stopping and not self.unacked):
            self.reconnects += 1
            log.warning("MQTT connection lost (%s); %d reading(s) kept", code, self.unsent)

    def _on_publish(self, _client: Any, _userdata: Any, mid: int, _code: Any, _props: Any) -> None:
        with self.lock:
            reading = self.unacked.pop(mid, None)
            if reading is None:
                self.early.add(mid)  # publish() has not returned its mid yet
            self.lock.notify_all()
        if reading is not None:
            self.on_confirmed(reading)
