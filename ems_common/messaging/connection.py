"""Opening RabbitMQ connections: parameters, and retries with capped exponential backoff."""

from __future__ import annotations

import logging
import os
import random
import sys
import threading
import time

import pika
from pika.exceptions import AMQPConnectionError

from ems_common.settings import BrokerConfig, broker_config

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
# A broker under a resource alarm blocks publishers; give up on the connection instead of
# hanging forever, so the caller's retry logic takes over.
BLOCKED_CONNECTION_TIMEOUT = 60.0
SOCKET_TIMEOUT = 5.0


class Backoff:
    """Capped exponential delays with jitter: 0.5, 1, 2, ... up to ``maximum`` seconds."""

    def __init__(self, initial: float = 0.5, maximum: float = 30.0, factor: float = 2.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.attempt = 0

    def next_delay(self) -> float:
        base = min(self.maximum, self.initial * self.factor**self.attempt)
        self.attempt += 1
        # Jitter spreads reconnecting clients so they do not hit a restarted broker at once.
        return base * random.uniform(0.75, 1.0)

    def reset(self) -> None:
        self.attempt = 0


def connection_parameters(
    config: BrokerConfig | None = None,
    *,
    name: str | None = None,
    node: tuple[str, int] | None = None,
) -> pika.ConnectionParameters:
    """Parameters for one node: ``node``, else the first of the config's."""
    config = config or broker_config()
    host, port = node or config.nodes[0]
    return pika.ConnectionParameters(
        host=host,
        port=port,
        virtual_host=config.vhost,
        credentials=pika.PlainCredentials(config.user, config.password),
        heartbeat=HEARTBEAT_SECONDS,
        blocked_connection_timeout=BLOCKED_CONNECTION_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        connection_attempts=1,  # retries are ours, with backoff and a stop flag
        client_properties={"connection_name": name or _default_name()},
    )


def cluster_parameters(
    config: BrokerConfig | None = None, *, name: str | None = None
) -> list[pika.ConnectionParameters]:
    """Parameters for every node of the config, in random order: pika tries them in turn, and
    the clients of a cluster spread over its nodes instead of all taking the first."""
    config = config or broker_config()
    nodes = config.nodes
    random.shuffle(nodes)
    return [connection_parameters(config, name=name, node=node) for node in nodes]


def connect(
    config: BrokerConfig | None = None,
    *,
    stop: threading.Event | None = None,
    max_delay: float = 30.0,
    attempts: int | None = None,
    name: str | None = None,
) -> pika.BlockingConnection | None:
    """A connection to any node of the config, retrying AMQP connection errors with backoff.

    Returns None when ``stop`` is set while waiting; re-raises the last error after ``attempts``
    failed tries (None: try until it works or ``stop`` is set). A try is one attempt on every
    node, so a client whose node went away moves on to another.
    """
    backoff = Backoff(maximum=max_delay)
    tries = 0
    while True:
        if stop is not None and stop.is_set():
            return None
        tries += 1
        params = cluster_parameters(config, name=name)
        try:
            return pika.BlockingConnection(params)
        except AMQPConnectionError as exc:
            if attempts is not None and tries >= attempts:
                raise
            delay = backoff.next_delay()
            log.warning(
                "RabbitMQ at %s%s unreachable (%s); retry %d in %.1fs",
                ",".join(f"{p.host}:{p.port}" for p in params),
                params[0].virtual_host,
                describe_error(exc),
                tries,
                delay,
            )
            if stop is None:
                time.sleep(delay)
            elif stop.wait(delay):
                return None


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _default_name() -> str:
    return f"ems {os.path.basename(sys.argv[0]) or 'python'} pid={os.getpid()}"
