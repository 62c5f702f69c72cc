"""The real consumer, in a thread, against the real RabbitMQ (a unique queue per test)."""

import threading
import uuid
from collections.abc import Iterator

import pytest

from ems_common.messaging.sync import EventConsumer
from ems_common.messaging.topology import dlq_name
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import drain, publish_raw, wait_until
from users.consumers import sync
from users.models import Profile
from users.tests.factories import user_event_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running_consumer(unique_queue: str, broker_config: BrokerConfig) -> Iterator[EventConsumer]:
    consumer = sync.consumer(unique_queue, config=broker_config, declare=None)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    yield consumer
    consumer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_published_events_become_profiles(running_consumer: EventConsumer) -> None:
    user_id = uuid.uuid4()
    publish_raw(running_consumer.queue, user_event_body("user.created", user_id, 1))
    publish_raw(running_consumer.queue, user_event_body("user.created", user_id, 1))  # again
    publish_raw(running_consumer.queue, user_event_body("user.updated", user_id, 2, role="admin"))
    wait_until(
        lambda: Profile.objects.filter(pk=user_id, version=2).exists(), 10, what="the update"
    )
    assert Profile.objects.get(pk=user_id).role == "admin"


def test_a_malformed_message_is_dead_lettered_and_the_next_one_processed(
    running_consumer: EventConsumer,
) -> None:
    queue = running_consumer.queue
    publish_raw(queue, b"{not json")
    publish_raw(queue, user_event_body("user.created", uuid.uuid4(), 1, role="root"))
    user_id = uuid.uuid4()
    publish_raw(queue, user_event_body("user.created", user_id, 1))

    wait_until(lambda: Profile.objects.filter(pk=user_id).exists(), 10, what="the valid event")
    dead = drain(dlq_name(queue), timeout=10, count=2)
    reasons = [message.headers["x-ems-error"] for message in dead]
    assert len(reasons) == 2
    assert "not JSON" in reasons[0]
    assert "role must be one of" in reasons[1]
    assert dead[0].body == b"{not json"
    assert Profile.objects.count() == 1
