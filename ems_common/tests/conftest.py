from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pytest
from django.db import connections

from ems_common.settings import BrokerConfig


class Runnable(Protocol):
    def run(self) -> Any: ...
    def stop(self) -> None: ...


@pytest.fixture
def start_in_thread() -> Iterator[Callable[[Runnable], threading.Thread]]:
    """Run consumers/relays in threads; stop them and check they ended when the test ends."""
    started: list[tuple[Runnable, threading.Thread]] = []
    errors: list[BaseException] = []

    def start(runnable: Runnable) -> threading.Thread:
        def target() -> None:
            try:
                runnable.run()
            except BaseException as exc:  # surfaced in the test's teardown
                errors.append(exc)
            finally:
                connections.close_all()  # the thread's own; the test database is dropped later

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        started.append((runnable, thread))
        return thread

    yield start
    for runnable, _ in started:
        runnable.stop()
    for _, thread in started:
        thread.join(timeout=10)
        assert not thread.is_alive(), "runner did not stop within 10 s"
    assert not errors, errors


@pytest.fixture
def unreachable_broker(broker_config: BrokerConfig) -> BrokerConfig:
    """The broker settings pointed at a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return dataclasses.replace(broker_config, host="127.0.0.1", port=port)
