import uuid
from typing import Any

import factory

from ems_common.events import Envelope, encode_envelope, make_envelope, parse_envelope
from users.models import Profile


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    id = factory.LazyFunction(uuid.uuid4)
    username = factory.Sequence(lambda n: f"user{n}")
    role = "client"
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda profile: f"{profile.username}@example.com")
    version = 1


def user_event_body(event_type: str, user_id: uuid.UUID, version: int, **data: Any) -> bytes:
    """The bytes auth_service's relay would publish for this event."""
    payload: dict[str, Any] = {"id": str(user_id)}
    if event_type != "user.deleted":
        payload.update(username="ann", role="client", full_name="Ann A", email="ann@example.com")
    payload.update(data)
    envelope = make_envelope(event_type, payload, version=version, source="auth_service")
    return encode_envelope(envelope)


def user_event(event_type: str, user_id: uuid.UUID, version: int, **data: Any) -> Envelope:
    return parse_envelope(user_event_body(event_type, user_id, version, **data))
