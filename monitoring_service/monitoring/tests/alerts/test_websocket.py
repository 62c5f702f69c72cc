"""The alerts WebSocket: handshake auth, who receives which alert, and the RabbitMQ feed."""

from __future__ import annotations

import asyncio
import dataclasses
import socket as net
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections
from monitoring_service.asgi import application

from ems_common.contracts import AlertRaised, AlertShape
from ems_common.events import encode_envelope, make_envelope
from ems_common.inbox.services import apply_upsert
from ems_common.messaging.publisher import Publisher
from ems_common.messaging.topology import declare_topology
from ems_common.outbox.services import relay_pending
from ems_common.settings import BrokerConfig
from monitoring.alerts.feed import AlertFeed, forward
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import User
from monitoring.tests.alerts.test_detection import device_with_max
from monitoring.tests.alerts.ws_client import WebSocketClient

# The handshake reads the account copy (ems_common.sessions) from a worker thread.
pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/monitoring/ws/"
WAIT = 5.0


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``scenario`` on a new loop with a new in-memory channel layer (bound to that loop)."""
    channel_layers.backends.clear()
    asyncio.run(scenario())


async def connected(token: str) -> WebSocketClient:
    socket = WebSocketClient(application, f"{PATH}?token={token}")
    accepted, _ = await socket.connect()
    assert accepted
    hello = await socket.receive_json_from(WAIT)
    assert hello["type"] == "hello"
    return socket


def account_copy(
    version: int, username: str, role: str, user_id: uuid.UUID | None = None
) -> uuid.UUID:
    """monitoring's copy of an account (as user.* events keep it) at ``version``, stored: its id
    (a new one unless ``user_id``)."""
    user_id = user_id or uuid.uuid4()
    fields = {"username": username, "role": role, "full_name": "", "email": ""}
    apply_upsert(User, user_id, version, fields)
    return user_id


def alert_event(owner_id: uuid.UUID | None) -> AlertRaised:
    hour = datetime(2026, 1, 5, 18, tzinfo=UTC)
    alert = AlertShape(
        id=uuid.uuid4(),
        device_id=uuid.uuid4(),
        device_name="Meter",
        hour_start=hour,
        kwh=Decimal("1.2"),
        max_kwh=Decimal("1.0"),
        created_at=hour + timedelta(hours=1),
    )
    return AlertRaised(owner_id=owner_id, alert=alert)


@pytest.mark.parametrize("case", ["missing", "garbage", "expired", "refresh"])
def test_a_bad_token_is_refused_at_the_handshake(make_token: Callable[..., str], case: str) -> None:
    query = {
        "missing": "",
        "garbage": "?token=not-a-jwt",
        "expired": f"?token={make_token(lifetime=timedelta(seconds=-5))}",
        "refresh": f"?token={make_token(token_type='refresh')}",
    }[case]

    async def scenario() -> None:
        socket = WebSocketClient(application, PATH + query)
        accepted, _ = await socket.connect()
        assert not accepted

    run(scenario)


def test_a_good_token_is_greeted_with_the_user(make_token: Callable[..., str]) -> None:
    user = uuid.uuid4()

    async def scenario() -> None:
        socket = WebSocketClient(application, f"{PATH}?token={make_token(user)}")
        assert (await socket.connect())[0]
        assert await socket.receive_json_from(WAIT) == {
            "type": "hello",
            "user_id": str(user),
            "role": "client",
        }
        await socket.disconnect()

    run(scenario)


def test_a_token_from_before_the_accounts_last_change_is_refused(
    make_token: Callable[..., str],
) -> None:
    user = account_copy(2, "ann", "client")  # demoted or given a new password after version 1

    async def scenario() -> None:
        socket = WebSocketClient(application, f"{PATH}?token={make_token(user, version=1)}")
        assert not (await socket.connect())[0]

    run(scenario)


def test_the_owner_and_admins_receive_an_alert_and_other_clients_do_not(
    make_token: Callable[..., str],
) -> None:
    owner, stranger = uuid.uuid4(), uuid.uuid4()
    event = alert_event(owner)

    async def scenario() -> None:
        owners = await connected(make_token(owner))
        strangers = await connected(make_token(stranger))
        admins = await connected(make_token(role="admin"))

        await forward(event)

        expected = {"type": "overconsumption", "alert": event.data()["alert"]}
        assert await owners.receive_json_from(WAIT) == expected
        assert await admins.receive_json_from(WAIT) == expected
        assert await strangers.receive_nothing(0.3)
        assert await admins.receive_nothing(0.1)  # once, not once per group
        for socket in (owners, strangers, admins):
            await socket.disconnect()

    run(scenario)


class Delivery:
    """What AlertFeed.on_message reads of an aio-pika message: its body."""

    def __init__(self, body: bytes) -> None:
        self.body = body


def test_the_feed_drops_an_alert_event_that_breaks_the_contract_and_forwards_the_next(
    make_token: Callable[..., str],
) -> None:
    owner = uuid.uuid4()
    good = alert_event(owner)
    broken = {"owner_id": str(owner), "alert": {"kwh": 1.2}}  # no id, device, hour...

    def body(data: dict[str, Any]) -> Any:
        return Delivery(encode_envelope(make_envelope(good.type, data, version=1, source="t")))

    async def scenario() -> None:
        socket = await connected(make_token(owner))
        feed = AlertFeed()
        for delivery in (Delivery(b"not json"), body(broken)):
            await feed.on_message(cast(Any, delivery))
        assert await socket.receive_nothing(0.3)
        await feed.on_message(body(good.data()))
        assert (await socket.receive_json_from(WAIT))["alert"] == good.data()["alert"]
        await socket.disconnect()

    run(scenario)


def test_an_admin_owning_the_device_receives_it_once(make_token: Callable[..., str]) -> None:
    admin = uuid.uuid4()

    async def scenario() -> None:
        socket = await connected(make_token(admin, role="admin"))
        await forward(alert_event(admin))
        assert (await socket.receive_json_from(WAIT))["type"] == "overconsumption"
        assert await socket.receive_nothing(0.3)
        await socket.disconnect()

    run(scenario)


def test_an_open_admin_socket_closes_at_the_next_alert_once_the_admin_is_demoted(
    make_token: Callable[..., str],
) -> None:
    admin = account_copy(1, "root", "admin")

    async def scenario() -> None:
        socket = await connected(make_token(admin, role="admin", version=1))
        await sync_to_async(account_copy)(2, "root", "client", admin)  # demoted
        await forward(alert_event(uuid.uuid4()))
        closed = await socket.receive_output(WAIT)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


def test_the_socket_closes_when_its_token_expires(make_token: Callable[..., str]) -> None:
    async def scenario() -> None:
        # 3 s: the handshake must happen before it ends, on a loaded machine too.
        socket = await connected(make_token(lifetime=timedelta(seconds=3)))
        closed = await socket.receive_output(WAIT)
        assert closed == {"type": "websocket.close", "code": 4401}

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_an_alert_reaches_the_owners_socket_through_the_outbox_and_rabbitmq(
    make_token: Callable[..., str], broker_config: BrokerConfig
) -> None:
    owner = uuid.uuid4()
    device = device_with_max("0.5", owner)
    hour = datetime(2026, 3, 4, 9, tzinfo=UTC)

    def store_and_relay() -> None:
        try:
            fifth = Decimal("0.2")
            batch = [Reading(device.id, hour + timedelta(minutes=10 * i), fifth) for i in range(3)]
            assert len(store_readings(batch).alerts) == 1
            publisher = Publisher(broker_config, declare=declare_topology, name="test relay")
            try:
                assert relay_pending(publisher) >= 1
            finally:
                publisher.close()
        finally:
            connections.close_all()

    async def scenario() -> None:
        feed = AlertFeed(broker_config)
        task = asyncio.create_task(feed.run())
        try:
            await asyncio.wait_for(feed.ready.wait(), WAIT)
            socket = await connected(make_token(owner))
            await sync_to_async(store_and_relay, thread_sensitive=False)()
            message = await socket.receive_json_from(WAIT)
            assert message["type"] == "overconsumption"
            assert message["alert"]["device_id"] == str(device.id)
            assert message["alert"]["kwh"] == 0.6
            assert message["alert"]["hour_start"] == "2026-03-04T09:00:00Z"
            await socket.disconnect()
        finally:
            task.cancel()
            await feed.close()

    run(scenario)


def test_the_feed_takes_a_node_that_answers_and_binds_again_after_losing_it(
    broker_config: BrokerConfig,
) -> None:
    with net.socket() as probe:  # a port nothing listens on: a node that is gone
        probe.bind(("127.0.0.1", 0))
        gone = probe.getsockname()[1]
    alive = f"{broker_config.host}:{broker_config.port}"
    config = dataclasses.replace(broker_config, host=f"127.0.0.1:{gone},{alive}")

    async def scenario() -> None:
        feed = AlertFeed(config, max_delay=0.5)
        task = asyncio.create_task(feed.run())
        try:
            await asyncio.wait_for(feed.ready.wait(), WAIT)
            first = feed.connection
            assert first is not None
            await first.close()  # as when its node goes away
            await asyncio.wait_for(until(lambda: feed.connection is not first), WAIT)
            await asyncio.wait_for(feed.ready.wait(), WAIT)
            assert feed.connection is not None and not feed.connection.is_closed
        finally:
            await feed.close()
            await asyncio.wait_for(task, WAIT)  # close() ends run()

    run(scenario)


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.05)
