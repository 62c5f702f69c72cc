"""The device list: owner_username, search, the owner and assigned filters, ordering, paging."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from devices.tests.factories import DeviceFactory, UserFactory
from ems_common.testing.lists import OrderingContract

pytestmark = pytest.mark.django_db

LIST = "/api/devices/"
ClientFor = Callable[..., APIClient]


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [device["name"] for device in response.json()["results"]]


def error_attrs(response: Any) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


def test_each_device_carries_its_owners_username_or_null(admin_api: APIClient) -> None:
    DeviceFactory.create(name="a", owner=UserFactory.create(username="ann"))
    DeviceFactory.create(name="b")
    rows = admin_api.get(LIST).json()["results"]
    assert [(row["name"], row["owner_username"]) for row in rows] == [("a", "ann"), ("b", None)]


def test_the_detail_carries_the_owners_username_too(admin_api: APIClient) -> None:
    device = DeviceFactory.create(owner=UserFactory.create(username="ann"))
    assert admin_api.get(f"{LIST}{device.id}/").json()["owner_username"] == "ann"


def test_listing_costs_the_same_queries_for_many_owners(
    admin_api: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    DeviceFactory.create(owner=UserFactory.create())
    with CaptureQueriesContext(connection) as one_owner:
        admin_api.get(LIST)
    for _ in range(10):
        DeviceFactory.create(owner=UserFactory.create())
    with django_assert_num_queries(len(one_owner.captured_queries)):
        assert len(admin_api.get(LIST).json()["results"]) == 11


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("HEAT", ["Heat pump"]),
        ("elm st", ["Boiler"]),  # the address; each word must match
        ("BERTA", ["Heat pump", "Oven"]),  # the owner's username
        ("nothing-like-it", []),
        ("", ["Boiler", "Heat pump", "Oven"]),
    ],
)
def test_search_covers_name_address_and_owner_username(
    admin_api: APIClient, search: str, found: list[str]
) -> None:
    berta = UserFactory.create(username="berta")
    DeviceFactory.create(name="Heat pump", address="1 Oak Rd", owner=berta)
    DeviceFactory.create(name="Oven", address="1 Oak Rd", owner=berta)
    DeviceFactory.create(name="Boiler", address="2 Elm St")
    assert names(admin_api.get(LIST, {"search": search})) == found


def test_a_clients_search_stays_within_its_own_devices(client_for: ClientFor) -> None:
    me, other = UserFactory.create(username="me"), UserFactory.create(username="other")
    DeviceFactory.create(name="My heater", owner=me)
    DeviceFactory.create(name="Their heater", owner=other)
    DeviceFactory.create(name="Spare heater")
    api = client_for(me.id)
    assert names(api.get(LIST, {"search": "heater"})) == ["My heater"]
    assert names(api.get(LIST, {"search": "other"})) == []
    assert names(api.get(LIST, {"assigned": "false"})) == []
    assert names(api.get(LIST, {"owner_id": str(other.id)})) == []


@pytest.mark.parametrize(
    ("assigned", "found"),
    [("true", ["Owned"]), ("false", ["Spare"]), ("TRUE", None), ("yes", None), ("1", None)],
)
def test_the_assigned_filter(admin_api: APIClient, assigned: str, found: list[str] | None) -> None:
    DeviceFactory.create(name="Owned", owner=UserFactory.create())
    DeviceFactory.create(name="Spare")
    response = admin_api.get(LIST, {"assigned": assigned})
    if found is None:
        assert response.status_code == 400
        assert error_attrs(response) == ["assigned"]
    else:
        assert names(response) == found


def test_owner_and_assigned_and_search_combine(admin_api: APIClient) -> None:
    ann = UserFactory.create(username="ann")
    DeviceFactory.create(name="Ann kitchen", owner=ann)
    DeviceFactory.create(name="Ann garage", owner=ann)
    DeviceFactory.create(name="Bob kitchen", owner=UserFactory.create(username="bob"))
    params = {"owner_id": str(ann.id), "assigned": "true", "search": "kitchen"}
    assert names(admin_api.get(LIST, params)) == ["Ann kitchen"]


class TestOrdering(OrderingContract):
    url = LIST
    key = "name"
    orderings = {
        None: ["a", "b", "c"],
        "-name": ["c", "b", "a"],
        "max_hourly_consumption_kwh": ["b", "c", "a"],
        "-max_hourly_consumption_kwh": ["a", "c", "b"],
        "owner_username": ["c", "a", "b"],  # unassigned last
        "-owner_username": ["b", "a", "c"],
        "created_at": ["b", "a", "c"],
        "-created_at": ["c", "a", "b"],
    }
    unknown_orderings = ["owner", "owner__username", "version", "-", "name,x"]

    def create_rows(self) -> None:
        # Created in this order: b, a, c.
        DeviceFactory.create(name="b", max_hourly_consumption_kwh=Decimal("1"))
        DeviceFactory.create(
            name="a",
            max_hourly_consumption_kwh=Decimal("9"),
            owner=UserFactory.create(username="zed"),
        )
        DeviceFactory.create(
            name="c",
            max_hourly_consumption_kwh=Decimal("5"),
            owner=UserFactory.create(username="amy"),
        )


@pytest.mark.parametrize("parameter", ["search", "owner_id", "assigned", "ordering"])
def test_a_nul_byte_in_a_parameter_is_400_naming_it(admin_api: APIClient, parameter: str) -> None:
    response = admin_api.get(LIST, {parameter: "tr\x00ue"})
    assert response.status_code == 400
    assert error_attrs(response) == [parameter]


def test_search_results_page_by_fifty(admin_api: APIClient) -> None:
    for number in range(60):
        DeviceFactory.create(name=f"Meter {number:02d}")
    DeviceFactory.create(name="Boiler")
    first = admin_api.get(LIST, {"search": "meter", "ordering": "-name"}).json()
    assert (first["count"], len(first["results"])) == (60, 50)
    second = admin_api.get(first["next"]).json()
    assert [device["name"] for device in second["results"]][-1] == "Meter 00"
    assert len(second["results"]) == 10
