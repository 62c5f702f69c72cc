"""Ending sessions: a token issued before its account last changed no longer counts.

Every token carries ``ver``, the account's version when it was issued (auth_service's
``User.version``, which grows on every change of role or password and once more on deletion).
Each service holds a copy of every account, kept current by the ``user.*`` events, so a service
refuses a token older than its copy, or one whose account its copy knows to be deleted, as soon
as the event has arrived (tens of milliseconds; a broker outage delays it, and the token's
15-minute lifetime still bounds it). auth_service checks its own table, the source of truth.

A service names its copy in settings: ``EMS_ACCOUNT_MODEL = "devices.User"``; auth_service also
sets ``EMS_ACCOUNT_MODEL_IS_SOURCE = True`` (an account not in its table does not exist).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from rest_framework import exceptions

from ems_common.inbox.models import Tombstone

ENDED = "Your session has ended (your account changed or was deleted): sign in again."


def check_current(claims: dict[str, Any]) -> None:
    """AuthenticationFailed unless the account the token names is still as it was issued."""
    model = apps.get_model(settings.EMS_ACCOUNT_MODEL)
    user_id, version = claims["sub"], claims["ver"]
    current = model._default_manager.filter(pk=user_id).values_list("version", flat=True).first()
    if getattr(settings, "EMS_ACCOUNT_MODEL_IS_SOURCE", False):
        if current != version:
            raise exceptions.AuthenticationFailed(ENDED, "session_ended")
        return
    if current is None:
        deleted = Tombstone.objects.filter(
            entity=model._meta.label_lower, entity_id=user_id, version__gt=version
        ).exists()
        if deleted:
            raise exceptions.AuthenticationFailed(ENDED, "session_ended")
        return  # an account too new to have reached this service yet
    if current > version:
        raise exceptions.AuthenticationFailed(ENDED, "session_ended")
