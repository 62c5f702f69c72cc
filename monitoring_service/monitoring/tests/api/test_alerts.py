"""GET /api/monitoring/alerts/, POST .../{id}/read/ and .../read-all/."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from monitoring.models import Alert, Device

pytestmark = pytest.mark.django_db

URL = "/api/monitoring/alerts/"
HOUR = datetime(2026, 4, 1, 12, tzinfo=UTC)


def make_alert(device: Device, hour: datetime = HOUR, **fields: object) -> Alert:
    defaults: dict[str, object] = {"kwh": "1.2", "max_kwh": "0.5", "owner_id": device.owner_id}
    return Alert.objects.create(device=device, hour_start=hour, **{**defaults, **fields})


def make_device(owner: uuid.UUID | None, name: str = "Heater") -> Device:
    return Device.objects.create(
        id=uuid.uuid4(), name=name, owner_id=owner, max_hourly_consumption_kwh="0.5"
    )


def ids(response: object) -> list[str]:
    return [item["id"] for item in response.json()["results"]]  # type: ignore[attr-defined]


def test_an_owner_lists_only_the_alerts_of_own_devices_newest_first(
    client_for: Callable[..., APIClient],
) -> None:
    me, other = uuid.uuid4(), uuid.uuid4()
    mine = make_device(me)
    older = make_alert(mine, HOUR, created_at=timezone.now() - timedelta(minutes=5))
    newer = make_alert(mine, HOUR + timedelta(hours=1))
    make_alert(make_device(other))

    response = client_for(me).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and {"next", "previous"} <= body.keys()
    assert ids(response) == [str(newer.id), str(older.id)]
    assert body["results"][0] == {
        "id": str(newer.id),
        "device_id": str(mine.id),
        "device_name": "Heater",
        "hour_start": "2026-04-01T13:00:00Z",
        "kwh": 1.2,
        "max_kwh": 0.5,
        "created_at": body["results"][0]["created_at"],
        "read_at": None,
    }


def test_alerts_raised_together_list_the_latest_hour_first(
    client_for: Callable[..., APIClient],
) -> None:
    # A backfill raises a week's alerts in one instant: the latest hour must still come first.
    me = uuid.uuid4()
    meter = make_device(me)
    now = timezone.now()
    hours = [HOUR + timedelta(hours=n) for n in (3, 0, 5, 1)]
    made = {hour: make_alert(meter, hour, created_at=now) for hour in hours}

    response = client_for(me).get(URL)

    assert ids(response) == [str(made[hour].id) for hour in sorted(hours, reverse=True)]


def test_an_admin_lists_every_alert(admin_api: APIClient) -> None:
    make_alert(make_device(uuid.uuid4()))
    make_alert(make_device(None))

    assert admin_api.get(URL).json()["count"] == 2


def test_no_token_is_401(anonymous_api: APIClient) -> None:
    assert anonymous_api.get(URL).status_code == 401
    assert anonymous_api.post(URL + "read-all/").status_code == 401


def test_filters_by_device_local_dates_and_unread(admin_api: APIClient) -> None:
    device, other = make_device(None), make_device(None)
    late_evening = datetime(2026, 4, 1, 21, tzinfo=UTC)  # 2026-04-02 00:00 in Bucharest (+3)
    a = make_alert(device, late_evening - timedelta(hours=1))
    b = make_alert(device, late_evening, read_at=timezone.now())
    make_alert(other, late_evening)

    assert ids(admin_api.get(URL, {"device_id": str(device.id)})) == [str(b.id), str(a.id)]
    by_day = {"device_id": str(device.id), "start": "2026-04-02", "end": "2026-04-02"}
    assert ids(admin_api.get(URL, {**by_day, "tz": "Europe/Bucharest"})) == [str(b.id)]
    assert ids(admin_api.get(URL, {**by_day, "start": "2026-04-01", "end": "2026-04-01"})) == [
        str(b.id),
        str(a.id),
    ]
    assert ids(admin_api.get(URL, {"device_id": str(device.id), "unread": "true"})) == [str(a.id)]
    assert ids(admin_api.get(URL, {"device_id": str(device.id), "unread": "false"})) == [str(b.id)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"device_id": "nope"}, "device_id"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-04-02", "end": "2026-04-01"}, "end"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"unread": "maybe"}, "unread"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    admin_api: APIClient, params: dict[str, str], field: str
) -> None:
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [field]


def test_reading_an_alert_sets_read_at_once(client_for: Callable[..., APIClient]) -> None:
    me = uuid.uuid4()
    alert = make_alert(make_device(me))
    client = client_for(me)

    first = client.post(f"{URL}{alert.id}/read/")
    second = client.post(f"{URL}{alert.id}/read/")

    assert first.status_code == second.status_code == 200
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    assert client.get(URL, {"unread": "true"}).json()["count"] == 0


def test_someone_elses_alert_cannot_be_read(client_for: Callable[..., APIClient]) -> None:
    alert = make_alert(make_device(uuid.uuid4()))

    response = client_for(uuid.uuid4()).post(f"{URL}{alert.id}/read/")

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None


def test_read_all_marks_only_the_callers_unread_alerts(
    client_for: Callable[..., APIClient],
) -> None:
    me = uuid.uuid4()
    mine = make_device(me)
    make_alert(mine, HOUR)
    make_alert(mine, HOUR + timedelta(hours=1))
    make_alert(mine, HOUR + timedelta(hours=2), read_at=timezone.now())
    someone_elses = make_alert(make_device(uuid.uuid4()))

    response = client_for(me).post(URL + "read-all/")

    assert response.status_code == 200 and response.json() == {"updated": 2}
    assert Alert.objects.filter(device=mine, read_at__isnull=True).count() == 0
    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None


def test_alerts_follow_the_devices_current_owner(client_for: Callable[..., APIClient]) -> None:
    before, after = uuid.uuid4(), uuid.uuid4()
    device = make_device(before)
    make_alert(device)
    Device.objects.filter(id=device.id).update(owner_id=after)

    assert client_for(before).get(URL).json()["count"] == 0
    assert client_for(after).get(URL).json()["count"] == 1
