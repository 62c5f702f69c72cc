"""Publish readings with confirms and never drop one: a window of publishes in flight, resent
after a reconnect until the broker confirms each.

One pika ``SelectConnection`` on one IOLoop, which outlives the connections: readings due are
taken from the plan into ``pending``, published while fewer than ``window`` await their confirm
(``unconfirmed``, by delivery tag), and handed to ``on_confirmed`` once acked. A nack, a
returned message (queue deleted meanwhile: it is declared again) or a lost connection puts them
back into ``pending`` in their original order; reconnects back off exponentially, capped. So
delivery is at-least-once: a reading whose ack was lost with the connection is sent again.

With an ``exchange`` (EMS's ``ems.readings``) it declares nothing: a meter identity may only
write to that exchange, so it checks the exchange exists (a passive declare, which needs no
permission) and publishes there; a missing exchange, a refused publish or an exchange routing
to no queue ends the run with one line naming the exchange. Without one (the default exchange)
it declares ``queue`` and publishes to it, as older setups take readings.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pika
import pika.exceptions
from pika.adapters.select_connection import IOLoop, SelectConnection
from pika.channel import Channel
from pika.spec import Basic, BasicProperties
from readings import Reading, Scheduled

log = logging.getLogger("simulator")

FIRST_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 30.0
# Refusals that retrying cannot fix, unless the broker let us in before (then it is restarting).
REFUSED = (
    pika.exceptions.ProbableAuthenticationError,
    pika.exceptions.AuthenticationError,
    pika.exceptions.ProbableAccessDeniedError,
)
# While setting up: access refused; queue exists with other arguments; no such exchange.
FATAL_CHANNEL_CODES = (403, 406, 404)
ACCESS_REFUSED = 403  # fatal at any time: retrying does not grant a permission


class BrokerRefused(Exception):
    """The broker will not take readings from us as configured (credentials, vhost, queue)."""


class ConfirmingPublisher:
    def __init__(
        self,
        parameters: pika.ConnectionParameters | Sequence[pika.ConnectionParameters],
        queue: str,
        *,
        window: int,
        on_confirmed: Callable[[Reading], None],
        max_retry_delay: float = MAX_RETRY_DELAY,
        exchange: str = "",
    ) -> None:
        # A cluster's nodes: one at a time, the next one after a failure or a lost connection.
        self.nodes = (
            [parameters] if isinstance(parameters, pika.ConnectionParameters) else [*parameters]
        )
        self.node = 0
        self.queue = queue  # with an exchange: the routing key
        self.exchange = exchange
        self.window = window
        self.on_confirmed = on_confirmed
        self.max_retry_delay = max_retry_delay
        self.ioloop = IOLoop()
        # (sequence number taken in, reading): what is sent again goes back in its place.
        self.pending: deque[tuple[int, Reading]] = deque()
        self.unconfirmed: dict[int, tuple[int, Reading]] = {}  # by delivery tag, in tag order
        self.taken = 0
        self.returned: set[str] = set()
        self.connection: SelectConnection | None = None
        self.channel: Channel | None = None
        self.ready = False
        self.delivery_tag = 0
        self.retry_delay = FIRST_RETRY_DELAY
        self.was_connected = False
        self.stopping = False
        self.closing = False
        self.fatal: str | None = None
        self.resent = 0
        self.reconnects = 0
        self._source: Iterator[Scheduled] = iter(())
        self._peeked: Scheduled | None = None
        self._source_done = False
        self._timer: object | None = None
        self._redeclaring = False

    # --- public -------------------------------------------------------------------------

    def run(self, source: Iterator[Scheduled]) -> None:
        """Send every reading of ``source`` (when due) until all are confirmed or stopped."""
        self._source = source
        self._connect()
        self.ioloop.start()
        if self.fatal is not None:
            raise BrokerRefused(self.fatal)

    def request_stop(self) -> None:
        """From a signal handler: finish the readings in flight, take no new one; twice: at once."""
        self.ioloop.add_callback_threadsafe(self._on_stop_requested)

    @property
    def unsent(self) -> int:
        """Readings taken from the plan that the broker has not confirmed."""
        return len(self.pending) + len(self.unconfirmed)

    # --- connection -----------------------------------------------------------------------

    @property
    def parameters(self) -> pika.ConnectionParameters:
        return self.nodes[self.node]

    def _next_node(self) -> None:
        self.node = (self.node + 1) % len(self.nodes)

    def _connect(self) -> None:
        self.connection = SelectConnection(
            self.parameters,
            on_open_callback=self._on_connection_open,
            on_open_error_callback=self._on_connection_open_error,
            on_close_callback=self._on_connection_closed,
            custom_ioloop=self.ioloop,
        )

    def _on_connection_open(self, connection: Any) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_channel_open(self, channel: Channel) -> None:
        self.channel = channel
        self.delivery_tag = 0  # tags count per channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        if self.exchange:
            # Passive: only checks it exists (404 otherwise), no configure permission needed.
            channel.exchange_declare(self.exchange, passive=True, callback=self._on_target_ready)
            return
        # As the project declares it: durable, no arguments (a plain queue any meter can declare).
        channel.queue_declare(self.queue, durable=True, callback=self._on_target_ready)

    @property
    def target(self) -> str:
        return f"exchange {self.exchange!r}" if self.exchange else f"queue {self.queue!r}"

    def _on_target_ready(self, _frame: Any) -> None:
        assert self.channel is not None
        self.channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame: Any) -> None:
        if self.was_connected:
            log.info("connected to RabbitMQ again; sending %d unconfirmed reading(s)", self.unsent)
        self.ready = True
        self.was_connected = True
        self.retry_delay = FIRST_RETRY_DELAY
        self._pump()

    def _on_connection_open_error(self, _connection: Any, error: BaseException) -> None:
        self.connection = None
        params = self.parameters
        if isinstance(error, REFUSED) and not self.was_connected:
            self._fail(
                f"RabbitMQ at {params.host}:{params.port} refused user "
                f"{params.credentials.username!r} on vhost {params.virtual_host!r}: wrong "
                f"user/password or no access to the vhost ({error.__class__.__name__})"
            )
            return
        self._next_node()
        self._retry_later(f"cannot reach RabbitMQ at {params.host}:{params.port} ({_why(error)})")

    def _on_connection_closed(self, _connection: Any, reason: BaseException) -> None:
        self.connection = self.channel = None
        self.ready = False
        if self.closing:
            self.ioloop.stop()
            return
        self._take_back_unconfirmed()
        lost = f"{self.parameters.host}:{self.parameters.port}"
        self._next_node()
        self._retry_later(f"connection to RabbitMQ at {lost} lost ({_why(reason)})")

    def _on_channel_closed(self, channel: Channel, reason: BaseException) -> None:
        code = getattr(reason, "reply_code", None)
        fatal = code == ACCESS_REFUSED or (not self.ready and code in FATAL_CHANNEL_CODES)
        if fatal and not self.closing:
            user = self.parameters.credentials.username
            self._fail(f"RabbitMQ refused {self.target} for user {user!r}: {_why(reason)}")
            return
        if self.connection is not None and self.connection.is_open:
            self.connection.close()  # reconnect: a new channel and every unconfirmed reading again

    def _retry_later(self, why: str) -> None:
        if self.stopping:
            self._stop_now()
            return
        delay = self.retry_delay
        self.retry_delay = min(self.retry_delay * 2, self.max_retry_delay)
        self.reconnects += 1
        log.warning("%s; %d reading(s) kept, retrying in %.1f s", why, self.unsent, delay)
        self.ioloop.call_later(delay, self._connect)

    def _take_back_unconfirmed(self) -> None:
        if self.unconfirmed:
            self._send_again(list(self.unconfirmed.values()))
            self.unconfirmed.clear()
        self.returned.clear()
        self._redeclaring = False

    def _fail(self, message: str) -> None:
        self.fatal = message
        self._stop_now()

    # --- sending --------------------------------------------------------------------------

    def _fill(self) -> None:
        """Move due readings from the plan into ``pending``; wake up when the next one is due."""
        while not self.stopping and not self._source_done and len(self.pending) < self.window:
            if self._peeked is None:
                self._peeked = next(self._source, None)
                if self._peeked is None:
                    self._source_done = True
                    return
            due, reading = self._peeked
            wait = due - time.time() if due is not None else 0.0
            if wait > 0:
                self._wake_in(wait)
                return
            self.taken += 1
            self.pending.append((self.taken, reading))
            self._peeked = None

    def _wake_in(self, seconds: float) -> None:
        if self._timer is not None:
            self.ioloop.remove_timeout(self._timer)
        self._timer = self.ioloop.call_later(seconds, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._pump()

    def _pump(self) -> None:
        while True:
            self._fill()
            if not (self.ready and self.pending and len(self.unconfirmed) < self.window):
                break
            self._publish_pending()
        if (self._source_done or self.stopping) and not self.unsent:
            self._close()

    def _publish_pending(self) -> None:
        assert self.channel is not None
        while self.pending and len(self.unconfirmed) < self.window:
            taken, reading = self.pending.popleft()
            properties = BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=reading.message_id,
            )
            # mandatory: if the queue was deleted meanwhile the broker returns it (then acks).
            self.channel.basic_publish(
                self.exchange, self.queue, reading.body, properties, mandatory=True
            )
            self.delivery_tag += 1
            self.unconfirmed[self.delivery_tag] = (taken, reading)

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        acked = isinstance(method, Basic.Ack)
        tag = method.delivery_tag
        if method.multiple:
            readings = []
            while self.unconfirmed and (first := next(iter(self.unconfirmed))) <= tag:
                readings.append(self.unconfirmed.pop(first))
        else:
            one = self.unconfirmed.pop(tag, None)
            readings = [one] if one is not None else []
        again = [item for item in readings if not acked or item[1].message_id in self.returned]
        for _, reading in readings:
            if acked and reading.message_id not in self.returned:
                self.on_confirmed(reading)
        if again:
            self.returned.difference_update(reading.message_id for _, reading in again)
            log.warning("%d reading(s) not taken by RabbitMQ; sending them again", len(again))
            self._send_again(again)
        self._pump()

    def _send_again(self, items: list[tuple[int, Reading]]) -> None:
        """Back into ``pending`` in the order they were taken, ahead of any newer reading."""
        self.resent += len(items)
        self.pending = deque(sorted([*items, *self.pending], key=lambda item: item[0]))

    def _on_return(
        self, channel: Channel, _method: Any, properties: BasicProperties, _body: bytes
    ) -> None:
        self.returned.add(str(properties.message_id))
        if self.exchange:  # not ours to fix: we may not bind (nor see) the queues behind it
            self._fail(
                f"RabbitMQ's exchange {self.exchange!r} routed a reading to no queue: bind "
                "device_data_queue to it (EMS's topology does, `make up` declares it)"
            )
            return
        if not self._redeclaring:
            self._redeclaring = True
            log.warning("queue %r is gone; declaring it again", self.queue)
            channel.queue_declare(self.queue, durable=True, callback=self._on_redeclared)

    def _on_redeclared(self, _frame: Any) -> None:
        self._redeclaring = False
        self._pump()

    # --- stopping -------------------------------------------------------------------------

    def _on_stop_requested(self) -> None:
        if self.stopping:
            log.warning("stopping at once; %d reading(s) not confirmed", self.unsent)
            self._stop_now()
            return
        self.stopping = True
        if self._timer is not None:
            self.ioloop.remove_timeout(self._timer)
            self._timer = None
        if not self.ready:
            self._stop_now()  # no broker to finish with
            return
        log.info("stopping: finishing %d reading(s) in flight", self.unsent)
        self._pump()

    def _close(self) -> None:
        if self.closing:
            return
        self.closing = True
        if self.connection is not None and not (
            self.connection.is_closing or self.connection.is_closed
        ):
            self.connection.close()  # _on_connection_closed stops the loop
        else:
            self.ioloop.stop()

    def _stop_now(self) -> None:
        self._close()
        self.ioloop.stop()


def _why(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}" if str(error) else error.__class__.__name__
