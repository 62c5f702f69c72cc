"""MqttPublisher against paho's threading: its network thread calls on_publish holding the
client's own lock, which publish() takes too; a PUBACK may come before publish() returns."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from conftest import DEVICE
from mqtt_publisher import MqttPublisher
from options import MqttSettings
from readings import Reading


class PahoLike:
    """A client whose every PUBACK arrives, from another thread holding the client's lock,
    before publish() (which needs that lock) has returned the message id."""

    def __init__(self, publisher: MqttPublisher) -> None:
        self.publisher = publisher
        self.mutex = threading.Lock()
        self.mid = 0

    def publish(self, topic: str, body: bytes, qos: int) -> Any:
        mid = self.mid + 1
        taken = threading.Event()

        def network_thread() -> None:
            with self.mutex:
                taken.set()
                self.publisher._on_publish(None, None, mid, None, None)

        threading.Thread(target=network_thread, daemon=True).start()
        taken.wait()
        with self.mutex:
            self.mid = mid
        return SimpleNamespace(mid=mid)

    def connect_async(self, *args: Any) -> None:
        pass

    def loop_start(self) -> None:
        pass

    def loop_stop(self) -> None:
        pass

    def disconnect(self) -> None:
        pass


def test_pubacks_from_paho_s_thread_neither_deadlock_nor_get_lost() -> None:
    confirmed: list[Reading] = []
    settings = MqttSettings("127.0.0.1", 1884, "meter-x", "secret", "ems/meters/x/readings")
    publisher = MqttPublisher(settings, window=10, on_confirmed=confirmed.append)
    publisher.client = PahoLike(publisher)  # type: ignore[assignment]
    readings = [Reading(DEVICE, n, 0.1, b"{}") for n in range(200)]
    runner = threading.Thread(
        target=publisher.run, args=(iter([(None, r) for r in readings]),), daemon=True
    )
    runner.start()
    runner.join(timeout=20)
    assert not runner.is_alive(), "publisher and paho's network thread deadlocked"
    assert confirmed == readings
    assert publisher.unsent == 0 and not publisher.early
