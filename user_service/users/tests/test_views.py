import uuid
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from ems_common.testing.lists import OrderingContract
from users.models import Profile
from users.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

ClientFor = Callable[..., APIClient]


def attrs(response: Any) -> set[str | None]:
    return {error["attr"] for error in response.json()["errors"]}


def test_admin_lists_profiles_paginated_with_search(admin_api: APIClient) -> None:
    ProfileFactory.create(username="alice")
    ProfileFactory.create(username="bob")
    everyone = admin_api.get("/api/users/").json()
    assert everyone["count"] == 2
    found = admin_api.get("/api/users/", {"search": "ALI"}).json()
    assert [profile["username"] for profile in found["results"]] == ["alice"]


def usernames(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [profile["username"] for profile in response.json()["results"]]


@pytest.mark.parametrize(
    ("search", "found"),
    [("ALI", ["alice"]), ("smith", ["bob"]), ("@CORP.example", ["carol"]), ("", None)],
)
def test_search_covers_username_full_name_and_email(
    admin_api: APIClient, search: str, found: list[str] | None
) -> None:
    ProfileFactory.create(username="alice", full_name="Alice Jones", email="a@home.example")
    ProfileFactory.create(username="bob", full_name="Bob Smith", email="b@home.example")
    ProfileFactory.create(username="carol", full_name="Carol", email="c@corp.example")
    expected = found if found is not None else ["alice", "bob", "carol"]
    assert usernames(admin_api.get("/api/users/", {"search": search})) == expected


class TestOrdering(OrderingContract):
    url = "/api/users/"
    key = "username"
    orderings = {
        None: ["ann", "ben", "cid"],
        "-username": ["cid", "ben", "ann"],
        "full_name": ["cid", "ann", "ben"],  # full names A, B, C
        "-email": ["ann", "cid", "ben"],  # e-mails z, m, a
    }
    unknown_orderings = ["password", "id", "-", "username,nope"]

    def create_rows(self) -> None:
        ProfileFactory.create(username="ann", full_name="B", email="z@x.example", role="client")
        ProfileFactory.create(username="ben", full_name="C", email="a@x.example", role="admin")
        ProfileFactory.create(username="cid", full_name="A", email="m@x.example", role="client")


def test_ordering_by_role_groups_admins_first(admin_api: APIClient) -> None:
    ProfileFactory.create(role="client")
    ProfileFactory.create(role="admin")
    ProfileFactory.create(role="client")
    response = admin_api.get("/api/users/", {"ordering": "role"})
    assert [profile["role"] for profile in response.json()["results"]] == [
        "admin",
        "client",
        "client",
    ]


def test_search_and_ordering_page_together(admin_api: APIClient) -> None:
    for number in range(55):
        ProfileFactory.create(username=f"meter{number:02d}")
    ProfileFactory.create(username="other")
    first = admin_api.get("/api/users/", {"search": "meter", "ordering": "-username"}).json()
    assert first["count"] == 55
    assert first["results"][0]["username"] == "meter54"
    second = admin_api.get(first["next"]).json()
    assert [profile["username"] for profile in second["results"]] == [
        "meter04",
        "meter03",
        "meter02",
        "meter01",
        "meter00",
    ]


def test_client_cannot_list_profiles(client_for: ClientFor) -> None:
    assert client_for(uuid.uuid4()).get("/api/users/").status_code == 403


def test_no_token_is_401(anonymous_api: APIClient) -> None:
    assert anonymous_api.get("/api/users/me/").status_code == 401


@pytest.mark.parametrize("method", ["get", "patch"])
def test_no_token_on_an_existing_profile_is_401(anonymous_api: APIClient, method: str) -> None:
    profile = ProfileFactory.create()
    response = getattr(anonymous_api, method)(
        f"/api/users/{profile.id}/", {"full_name": "Anonymous"}, format="json"
    )
    assert response.status_code == 401
    profile.refresh_from_db()
    assert profile.full_name != "Anonymous"


def test_nul_byte_in_search_is_400_naming_search(admin_api: APIClient) -> None:
    response = admin_api.get("/api/users/", {"search": "al\x00ice"})
    assert response.status_code == 400
    assert attrs(response) == {"search"}


def test_client_reads_own_profile_by_id_and_me(client_for: ClientFor) -> None:
    profile = ProfileFactory.create()
    api = client_for(profile.id)
    assert api.get(f"/api/users/{profile.id}/").json()["username"] == profile.username
    assert api.get("/api/users/me/").json()["id"] == str(profile.id)


def test_client_cannot_read_someone_elses_profile(client_for: ClientFor) -> None:
    mine, theirs = ProfileFactory.create(), ProfileFactory.create()
    response = client_for(mine.id).get(f"/api/users/{theirs.id}/")
    assert response.status_code in (403, 404)
    assert theirs.username not in response.content.decode()


def test_client_cannot_edit_someone_elses_profile(client_for: ClientFor) -> None:
    mine, theirs = ProfileFactory.create(), ProfileFactory.create()
    response = client_for(mine.id).patch(
        f"/api/users/{theirs.id}/", {"full_name": "Hacked"}, format="json"
    )
    assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.full_name != "Hacked"


def test_me_before_the_profile_synced_is_404_saying_so(client_for: ClientFor) -> None:
    response = client_for(uuid.uuid4()).get("/api/users/me/")
    assert response.status_code == 404
    assert "not reached the user service yet" in response.json()["errors"][0]["detail"]


def test_self_patch_edits_full_name_and_email_only(client_for: ClientFor) -> None:
    profile = ProfileFactory.create(role="client")
    response = client_for(profile.id).patch(
        f"/api/users/{profile.id}/",
        {"full_name": "New Name", "email": "new@example.com", "role": "admin"},
        format="json",
    )
    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.full_name, profile.email, profile.role) == (
        "New Name",
        "new@example.com",
        "client",
    )
    assert profile.version == 1  # local edits do not move the synced version


def test_admin_patches_any_profile(admin_api: APIClient) -> None:
    profile = ProfileFactory.create()
    body = {"full_name": "By Admin"}
    response = admin_api.patch(f"/api/users/{profile.id}/", body, format="json")
    assert response.status_code == 200
    assert Profile.objects.get(pk=profile.id).full_name == "By Admin"


def test_bad_email_is_400_naming_email(client_for: ClientFor) -> None:
    profile = ProfileFactory.create()
    response = client_for(profile.id).patch(
        f"/api/users/{profile.id}/", {"email": "not-an-email"}, format="json"
    )
    assert response.status_code == 400
    assert attrs(response) == {"email"}


def test_malformed_json_is_400(client_for: ClientFor) -> None:
    profile = ProfileFactory.create()
    response = client_for(profile.id).patch(
        f"/api/users/{profile.id}/", data="{oops", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("profile_id", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_or_malformed_id_is_404(admin_api: APIClient, profile_id: str) -> None:
    assert admin_api.get(f"/api/users/{profile_id}/").status_code == 404
