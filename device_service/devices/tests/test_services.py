"""Device domain refusals: an unknown owner names its field, a device gone is not found."""

import uuid
from collections.abc import Callable

import pytest

from devices import services
from devices.tests.factories import DeviceFactory
from ems_common.exceptions import InvalidField, NotFound

pytestmark = pytest.mark.django_db


def test_an_owner_the_device_service_does_not_know_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidField, match="is known to the device service") as caught:
        services.create_device({"name": "Kettle", "max_hourly_consumption_kwh": 1}, uuid.uuid4())
    assert caught.value.field == "owner_id"


def test_assigning_to_an_unknown_user_names_user_id() -> None:
    device = DeviceFactory.create()
    with pytest.raises(InvalidField) as caught:
        services.assign_device(device.id, uuid.uuid4())
    assert caught.value.field == "user_id"


@pytest.mark.parametrize(
    "change",
    [
        lambda device_id: services.update_device(device_id, {"name": "x"}),
        lambda device_id: services.assign_device(device_id, None),
        services.delete_device,
    ],
)
def test_changing_a_device_deleted_meanwhile_is_not_found(
    change: Callable[[uuid.UUID], object],
) -> None:
    with pytest.raises(NotFound):
        change(uuid.uuid4())
