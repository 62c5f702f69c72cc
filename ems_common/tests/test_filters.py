"""The shared list filters: ?search= contains, ?ordering= strict, both in the OpenAPI schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from ems_common.filters import LIST_FILTER_BACKENDS
from ems_common.tests.testapp.models import SyncedDevice

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ems_common.tests.test_filters")]


class DeviceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncedDevice
        fields = ["id", "name", "max_hourly_consumption_kwh"]


class DeviceList(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = DeviceSerializer
    filter_backends = LIST_FILTER_BACKENDS
    search_fields = ["name"]
    ordering_fields = ["name", "max_hourly_consumption_kwh"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[SyncedDevice]:
        return SyncedDevice.objects.all()


urlpatterns = [path("devices/", DeviceList.as_view())]


def device(name: str, max_kwh: str = "1") -> SyncedDevice:
    return SyncedDevice.objects.create(
        id=uuid.uuid4(), name=name, max_hourly_consumption_kwh=max_kwh
    )


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_search_is_a_case_insensitive_contains() -> None:
    device("Kitchen heater")
    device("Garage")
    assert names(APIClient().get("/devices/", {"search": "HEAT"})) == ["Kitchen heater"]
    assert names(APIClient().get("/devices/", {"search": ""})) == ["Garage", "Kitchen heater"]


def test_a_nul_byte_in_search_is_a_400_naming_search() -> None:
    response = APIClient().get("/devices/", {"search": "kit\x00chen"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("search", "null_characters_not_allowed")


def test_ordering_by_a_listed_field_either_way() -> None:
    device("b", "2")
    device("a", "3")
    device("c", "1")
    assert names(APIClient().get("/devices/", {"ordering": "-max_hourly_consumption_kwh"})) == [
        "a",
        "b",
        "c",
    ]
    assert names(APIClient().get("/devices/", {"ordering": "-name"})) == ["c", "b", "a"]
    assert names(APIClient().get("/devices/")) == ["a", "b", "c"]  # the view's default


def test_ties_are_broken_by_primary_key() -> None:
    made = [device("same") for _ in range(5)]
    response = APIClient().get("/devices/", {"ordering": "name"})
    assert [row["id"] for row in response.json()["results"]] == sorted(str(d.id) for d in made)


@pytest.mark.parametrize("value", ["colour", "-colour", "--name", "name,", "id", "name,colour"])
def test_an_unknown_ordering_is_a_400_naming_ordering(value: str) -> None:
    response = APIClient().get("/devices/", {"ordering": value})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("ordering", "invalid")
    assert "max_hourly_consumption_kwh" in error["detail"]  # says what would do


def test_the_schema_lists_the_orderings_and_documents_their_400() -> None:
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    operation = schema["paths"]["/devices/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["ordering"]["schema"]["enum"] == [
        "name",
        "-name",
        "max_hourly_consumption_kwh",
        "-max_hourly_consumption_kwh",
    ]
    assert "search" in params
    components = schema["components"]["schemas"]
    attrs = [
        components[name]["properties"]["attr"]["enum"]
        for name in components
        if name.endswith("OrderingErrorComponent")
    ]
    assert attrs == [["ordering"]]
    codes = next(
        components[name]["properties"]["code"]["enum"]
        for name in components
        if name.endswith("OrderingErrorComponent")
    )
    assert "invalid" in codes
