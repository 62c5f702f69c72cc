"""Races in tests: the same work in several threads at once, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connections

T = TypeVar("T")
R = TypeVar("R")


def at_once(work: Callable[[T], R], items: Sequence[T], timeout: float = 30) -> list[R]:
    """``work(item)`` for every item, each in a thread of its own, all released together.

    The results in the order of ``items``; the first exception a thread raised is raised here.
    Each thread closes the database connections Django opened for it.
    """
    barrier = threading.Barrier(len(items))

    def run(item: T) -> R:
        try:
            barrier.wait(timeout)
            return work(item)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items, timeout=timeout))
