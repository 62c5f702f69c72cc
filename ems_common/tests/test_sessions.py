"""Every service refuses a token older than its copy of the account, or of a deleted account."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from ems_common.auth import caller
from ems_common.inbox.services import apply_delete, apply_upsert
from ems_common.tests.testapp.models import SyncedDevice

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ems_common.tests.test_sessions")]

# This service's account copy is testapp.SyncedDevice (ems_common/tests/settings.py).


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        user = caller(request)
        return Response({"id": str(user.id), "role": user.role})


urlpatterns = [path("whoami/", WhoAmI.as_view())]

MakeToken = Callable[..., str]


def call(make_token: MakeToken, user_id: uuid.UUID, version: int) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(user_id, version=version)}")
    return api.get("/whoami/").status_code


def test_a_token_as_new_as_the_copy_is_accepted(make_token: MakeToken) -> None:
    user_id = uuid.uuid4()
    apply_upsert(SyncedDevice, user_id, 2, {"name": "account"})
    assert call(make_token, user_id, version=2) == 200


def test_a_token_older_than_the_copy_is_refused(make_token: MakeToken) -> None:
    user_id = uuid.uuid4()
    apply_upsert(SyncedDevice, user_id, 3, {"name": "account"})  # role or password changed
    assert call(make_token, user_id, version=2) == 401


def test_a_token_of_a_deleted_account_is_refused(make_token: MakeToken) -> None:
    user_id = uuid.uuid4()
    apply_upsert(SyncedDevice, user_id, 1, {"name": "account"})
    apply_delete(SyncedDevice, user_id, 2)
    assert not SyncedDevice.objects.filter(pk=user_id).exists()
    assert call(make_token, user_id, version=1) == 401


def test_an_account_not_synced_here_yet_is_accepted(make_token: MakeToken) -> None:
    # Registered a moment ago: its user.created has not arrived; refusing would be a false alarm.
    assert call(make_token, uuid.uuid4(), version=1) == 200


def test_a_token_newer_than_the_copy_is_accepted(make_token: MakeToken) -> None:
    # Signed in again after a change whose event is still on its way.
    user_id = uuid.uuid4()
    apply_upsert(SyncedDevice, user_id, 1, {"name": "account"})
    assert call(make_token, user_id, version=2) == 200
