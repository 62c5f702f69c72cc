"""POST /api/monitoring/alerts/{id}/read/ and .../read-all/: each reader's own, once."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from ems_common.auth import TokenUser
from ems_common.testing.threads import at_once
from monitoring.alerts.services import mark_all_read, mark_read, unread_by_caller, visible_alerts
from monitoring.models import Alert, AlertRead
from monitoring.tests.api.test_alerts import HOUR, URL, make_alert, make_device, read_by

pytestmark = pytest.mark.django_db


def unread_count(api: APIClient) -> int:
    count: int = api.get(URL, {"unread": "true"}).json()["count"]
    return count


def test_reading_an_alert_sets_read_at_once(client_for: Callable[..., APIClient]) -> None:
    me = uuid.uuid4()
    alert = make_alert(make_device(me))
    client = client_for(me)

    first = client.post(f"{URL}{alert.id}/read/")
    second = client.post(f"{URL}{alert.id}/read/")

    assert first.status_code == second.status_code == 200
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    assert unread_count(client) == 0


def test_an_admin_reading_an_alert_leaves_it_unread_for_its_owner(
    client_for: Callable[..., APIClient],
) -> None:
    owner = uuid.uuid4()
    alert = make_alert(make_device(owner))
    owners, admins = client_for(owner), client_for(uuid.uuid4(), role="admin")

    read = admins.post(f"{URL}{alert.id}/read/")

    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert unread_count(admins) == 0
    assert unread_count(owners) == 1
    [listed] = owners.get(URL).json()["results"]
    assert listed["read_at"] is None


def test_someone_elses_alert_cannot_be_read(client_for: Callable[..., APIClient]) -> None:
    alert = make_alert(make_device(uuid.uuid4()))

    response = client_for(uuid.uuid4()).post(f"{URL}{alert.id}/read/")

    assert response.status_code == 404
    assert not AlertRead.objects.exists()


def test_read_all_marks_only_the_callers_unread_alerts(
    client_for: Callable[..., APIClient],
) -> None:
    me = uuid.uuid4()
    mine = make_device(me)
    make_alert(mine, HOUR)
    make_alert(mine, HOUR + timedelta(hours=1))
    read_earlier = make_alert(mine, HOUR + timedelta(hours=2))
    first_read = read_by(read_earlier, me)
    someone_elses = make_alert(make_device(uuid.uuid4()))

    response = client_for(me).post(URL + "read-all/")

    assert response.status_code == 200 and response.json() == {"updated": 2}
    assert unread_count(client_for(me)) == 0
    assert AlertRead.objects.get(alert=read_earlier, user_id=me).read_at == first_read.read_at
    assert not someone_elses.reads.exists()


def test_an_admins_read_all_leaves_the_owners_unread_count(
    client_for: Callable[..., APIClient],
) -> None:
    owner = uuid.uuid4()
    device = make_device(owner)
    for hour in range(3):
        make_alert(device, HOUR + timedelta(hours=hour))
    make_alert(make_device(None))
    owners, admins = client_for(owner), client_for(uuid.uuid4(), role="admin")
    owners.post(f"{URL}{Alert.objects.filter(device=device).first().id}/read/")  # type: ignore[union-attr]

    assert admins.post(URL + "read-all/").json() == {"updated": 4}

    assert unread_count(admins) == 0
    assert unread_count(owners) == 2


@pytest.mark.django_db(transaction=True)
def test_reads_at_the_same_instant_keep_one_first_time() -> None:
    owner = TokenUser(id=uuid.uuid4(), username="ann", role="client")
    admin = TokenUser(id=uuid.uuid4(), username="root", role="admin")
    alert = make_alert(make_device(owner.id))

    def read(user: TokenUser) -> object:
        return mark_read(visible_alerts(user).get(id=alert.id), user).read_at  # type: ignore[attr-defined]

    times = at_once(read, [owner, owner, owner, admin])

    reads = {r.user_id: r.read_at for r in AlertRead.objects.filter(alert=alert)}
    assert reads.keys() == {owner.id, admin.id}
    assert times == [reads[owner.id]] * 3 + [reads[admin.id]]


@pytest.mark.django_db(transaction=True)
def test_read_all_racing_single_reads_marks_each_alert_once() -> None:
    owner = TokenUser(id=uuid.uuid4(), username="ann", role="client")
    device = make_device(owner.id)
    alerts = [make_alert(device, HOUR + timedelta(hours=n)) for n in range(5)]

    def work(n: int) -> object:
        if n % 2:
            return mark_all_read(owner)
        return mark_read(visible_alerts(owner).get(id=alerts[n].id), owner)

    at_once(work, list(range(6)))

    assert AlertRead.objects.filter(user_id=owner.id).count() == 5
    assert not visible_alerts(owner).filter(unread_by_caller()).exists()
