"""What every list endpoint's ``?ordering=`` must do (ems_common.filters.StrictOrderingFilter),
as tests a service's list tests inherit: each listed value orders the rows as expected, and an
unknown one is a 400 naming ``ordering``. A service's test module declares its cases::

    class TestOrdering(OrderingContract):
        url = "/api/devices/"
        key = "name"
        orderings = {None: ["a", "b"], "-name": ["b", "a"]}  # None: the default order
        unknown_orderings = ["owner", "-"]

        def create_rows(self) -> None:
            DeviceFactory.create(name="b")
            DeviceFactory.create(name="a")

The tests take the ``admin_api`` fixture (ems_common.testing.jwt or the service's own).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from rest_framework.test import APIClient


class OrderingContract:
    url: ClassVar[str]
    key: ClassVar[str]  # the field of each row the expected orders list
    orderings: ClassVar[dict[str | None, list[Any]]]
    unknown_orderings: ClassVar[list[str]]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if metafunc.function.__name__ == "test_ordering_by_each_listed_field":
            metafunc.parametrize(("ordering", "expected"), list(self.orderings.items()))
        elif metafunc.function.__name__ == "test_an_unknown_ordering_is_400_naming_ordering":
            metafunc.parametrize("ordering", self.unknown_orderings)

    def create_rows(self) -> None:
        raise NotImplementedError

    def test_ordering_by_each_listed_field(
        self, admin_api: APIClient, ordering: str | None, expected: list[Any]
    ) -> None:
        self.create_rows()
        response = admin_api.get(self.url, {"ordering": ordering} if ordering else {})
        assert response.status_code == 200, response.json()
        assert [row[self.key] for row in response.json()["results"]] == expected

    def test_an_unknown_ordering_is_400_naming_ordering(
        self, admin_api: APIClient, ordering: str
    ) -> None:
        response = admin_api.get(self.url, {"ordering": ordering})
        assert response.status_code == 400
        assert [error["attr"] for error in response.json()["errors"]] == ["ordering"]
