"""SIGTERM/SIGINT ask a long-running loop to stop at its next safe point."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)


@contextmanager
def stop_on_signals(stop: Callable[[], None], what: str) -> Iterator[None]:
    """Call ``stop`` on the first SIGTERM/SIGINT; a second one interrupts at once.

    Does nothing off the main thread (Python delivers signals to the main thread only).
    Restores the previous handlers on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        if received:
            raise KeyboardInterrupt  # asked twice: stop without waiting
        received.append(signum)
        log.info("signal %d: %s stops at the next safe point", signum, what)
        stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
