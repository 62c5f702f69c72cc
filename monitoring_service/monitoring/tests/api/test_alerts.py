"""GET /api/monitoring/alerts/: who sees which, the shape, filters, search and ordering.

Reading them (POST .../{id}/read/ and .../read-all/): test_alert_reads.py.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from monitoring.models import Alert, AlertRead, Device, User

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


def make_user(username: str) -> uuid.UUID:
    return User.objects.create(id=uuid.uuid4(), username=username, role="client").id


def read_by(alert: Alert, user_id: uuid.UUID) -> AlertRead:
    return AlertRead.objects.create(alert=alert, user_id=user_id)


def ids(response: object) -> list[str]:
    return [item["id"] for item in response.json()["results"]]  # type: ignore[attr-defined]


def test_an_owner_lists_only_the_alerts_of_own_devices_newest_first(
    client_for: Callable[..., APIClient],
) -> None:
    me, other = make_user("ann"), uuid.uuid4()
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
        "owner_id": str(me),
        "owner_username": "ann",
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


def test_filters_by_device_local_dates_and_unread(client_for: Callable[..., APIClient]) -> None:
    admin = uuid.uuid4()
    admin_api = client_for(admin, role="admin")
    device, other = make_device(None), make_device(None)
    late_evening = datetime(2026, 4, 1, 21, tzinfo=UTC)  # 2026-04-02 00:00 in Bucharest (+3)
    a = make_alert(device, late_evening - timedelta(hours=1))
    b = make_alert(device, late_evening)
    read_by(b, admin)
    read_by(a, uuid.uuid4())  # someone else's read: still unread for this admin
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
        ({"owner_id": "nope"}, "owner_id"),
        ({"ordering": "owner_id"}, "ordering"),
        ({"ordering": "-read_at"}, "ordering"),
        ({"ordering": "created_at,kwh,device"}, "ordering"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    admin_api: APIClient, params: dict[str, str], field: str
) -> None:
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [field]


def test_alerts_follow_the_devices_current_owner(client_for: Callable[..., APIClient]) -> None:
    before, after = uuid.uuid4(), uuid.uuid4()
    device = make_device(before)
    make_alert(device)
    Device.objects.filter(id=device.id).update(owner_id=after)

    assert client_for(before).get(URL).json()["count"] == 0
    assert client_for(after).get(URL).json()["count"] == 1


def test_an_admin_filters_by_the_owner_the_alert_was_raised_for(admin_api: APIClient) -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    anns = make_alert(make_device(ann))
    make_alert(make_device(bob))
    sold = make_device(ann)
    before_sale = make_alert(sold, HOUR)
    Device.objects.filter(id=sold.id).update(owner_id=bob)

    assert set(ids(admin_api.get(URL, {"owner_id": str(ann)}))) == {
        str(anns.id),
        str(before_sale.id),
    }


def test_a_client_filtering_by_owner_is_a_400(client_for: Callable[..., APIClient]) -> None:
    me = uuid.uuid4()
    make_alert(make_device(me))

    response = client_for(me).get(URL, {"owner_id": str(me)})

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["owner_id"]


def test_search_matches_the_device_name_or_the_owners_username(admin_api: APIClient) -> None:
    ann, bob = make_user("Ann"), make_user("bob")
    kettle = make_alert(make_device(ann, "Kettle"))
    heater = make_alert(make_device(bob, "Garage heater"))
    orphan = make_alert(make_device(None, "Bobcat pump"))

    assert ids(admin_api.get(URL, {"search": "HEAT"})) == [str(heater.id)]
    assert ids(admin_api.get(URL, {"search": "ann"})) == [str(kettle.id)]
    assert set(ids(admin_api.get(URL, {"search": "bob"}))) == {str(heater.id), str(orphan.id)}
    assert len(ids(admin_api.get(URL, {"search": ""}))) == 3


def test_a_clients_search_stays_within_its_own_alerts(client_for: Callable[..., APIClient]) -> None:
    me, other = make_user("me"), make_user("other")
    mine = make_alert(make_device(me, "Heater"))
    make_alert(make_device(other, "Heater"))

    assert ids(client_for(me).get(URL, {"search": "heat"})) == [str(mine.id)]


def test_ordering_by_each_listed_field(admin_api: APIClient) -> None:
    now = timezone.now()
    b = make_alert(make_device(None, "b"), HOUR, kwh="3", created_at=now)
    a = make_alert(make_device(None, "a"), HOUR + timedelta(hours=2), kwh="1", created_at=now)
    c = make_alert(
        make_device(None, "c"), HOUR + timedelta(hours=1), kwh="2", created_at=now - timedelta(1)
    )
    expected = {
        "created_at": [c, *sorted([a, b], key=lambda alert: alert.pk)],  # a tie: by id
        "hour_start": [b, c, a],
        "kwh": [a, c, b],
        "device_name": [a, b, c],
    }
    for field, order in expected.items():
        assert ids(admin_api.get(URL, {"ordering": field})) == [str(x.id) for x in order], field
    assert ids(admin_api.get(URL, {"ordering": "-kwh"})) == [str(b.id), str(c.id), str(a.id)]
    assert ids(admin_api.get(URL)) == [str(a.id), str(b.id), str(c.id)]  # newest, latest hour


def test_the_list_costs_as_many_queries_for_one_alert_as_for_many(
    client_for: Callable[..., APIClient],
) -> None:
    admin_api = client_for(uuid.uuid4(), role="admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(URL, {"search": "u", "ordering": "device_name"})
        assert response.status_code == 200
        return len(captured)

    make_alert(make_device(make_user("u0")))
    queries()  # the first request caches what a token's check needs
    one = queries()
    for n in range(1, 8):
        make_alert(make_device(make_user(f"u{n}"), f"Meter {n}"))
    assert queries() == one
