import uuid
from decimal import Decimal

import factory

from devices.models import Device, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    id = factory.LazyFunction(uuid.uuid4)
    username = factory.Sequence(lambda n: f"user{n}")
    role = "client"
    version = 1


class DeviceFactory(factory.django.DjangoModelFactory[Device]):
    class Meta:
        model = Device

    name = factory.Sequence(lambda n: f"Meter {n}")
    description = "kitchen"
    address = "1 Main St"
    max_hourly_consumption_kwh = Decimal("2.500")
    owner = None
