import uuid

import pytest

from ems_common.inbox.models import Tombstone
from ems_common.inbox.services import apply_delete, apply_upsert
from ems_common.testing.threads import at_once
from ems_common.tests.testapp.models import SyncedDevice

pytestmark = pytest.mark.django_db


def upsert(device_id, version, name):
    return apply_upsert(SyncedDevice, device_id, version, {"name": name})


def test_same_event_twice_changes_the_row_once():
    device_id = uuid.uuid4()

    assert upsert(device_id, 1, "meter") is True
    first_sync = SyncedDevice.objects.get(pk=device_id).synced_at
    assert upsert(device_id, 1, "meter") is False

    device = SyncedDevice.objects.get(pk=device_id)
    assert (device.name, device.version, device.synced_at) == ("meter", 1, first_sync)


def test_newer_version_updates_the_row():
    device_id = uuid.uuid4()
    upsert(device_id, 1, "old")

    assert upsert(device_id, 2, "new") is True
    assert SyncedDevice.objects.values_list("name", "version").get(pk=device_id) == ("new", 2)


def test_older_version_after_a_newer_one_is_ignored():
    device_id = uuid.uuid4()
    upsert(device_id, 3, "newest")

    assert upsert(device_id, 2, "stale") is False
    assert SyncedDevice.objects.values_list("name", "version").get(pk=device_id) == ("newest", 3)


def test_delete_removes_the_row_and_leaves_a_tombstone():
    device_id = uuid.uuid4()
    upsert(device_id, 1, "meter")

    assert apply_delete(SyncedDevice, device_id, 2) is True
    assert not SyncedDevice.objects.filter(pk=device_id).exists()
    tombstone = Tombstone.objects.get(entity_id=device_id)
    assert (tombstone.entity, tombstone.version) == ("testapp.synceddevice", 2)


def test_update_after_delete_is_ignored():
    device_id = uuid.uuid4()
    upsert(device_id, 1, "meter")
    apply_delete(SyncedDevice, device_id, 3)

    assert upsert(device_id, 2, "late update") is False
    assert not SyncedDevice.objects.filter(pk=device_id).exists()


def test_delete_is_idempotent():
    device_id = uuid.uuid4()
    upsert(device_id, 1, "meter")

    assert apply_delete(SyncedDevice, device_id, 2) is True
    assert apply_delete(SyncedDevice, device_id, 2) is False
    assert Tombstone.objects.filter(entity_id=device_id).count() == 1


def test_delete_older_than_the_stored_row_is_ignored():
    device_id = uuid.uuid4()
    upsert(device_id, 5, "meter")

    assert apply_delete(SyncedDevice, device_id, 4) is False
    assert SyncedDevice.objects.filter(pk=device_id).exists()
    assert not Tombstone.objects.filter(entity_id=device_id).exists()


def test_delete_arriving_before_the_create_keeps_the_create_out():
    device_id = uuid.uuid4()

    assert apply_delete(SyncedDevice, device_id, 2) is True
    assert upsert(device_id, 1, "created late") is False
    assert not SyncedDevice.objects.filter(pk=device_id).exists()


def test_version_newer_than_the_tombstone_brings_the_entity_back():
    device_id = uuid.uuid4()
    apply_delete(SyncedDevice, device_id, 2)

    assert upsert(device_id, 3, "restored") is True
    assert SyncedDevice.objects.get(pk=device_id).name == "restored"
    assert not Tombstone.objects.filter(entity_id=device_id).exists()


@pytest.mark.django_db(transaction=True)
def test_consumers_racing_on_a_new_entity_keep_the_newest_version():
    device_id = uuid.uuid4()
    versions = list(range(1, 9))
    results = at_once(lambda version: upsert(device_id, version, f"v{version}"), versions)

    assert True in results
    assert SyncedDevice.objects.values_list("name", "version").get(pk=device_id) == ("v8", 8)
