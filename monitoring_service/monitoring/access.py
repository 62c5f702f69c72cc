"""Who sees which device and tariff: an admin every one, anyone else the devices they own now
and the tariffs that can apply to them (their own and the default ones)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from ems_common.auth import TokenUser
from monitoring.models import Device, Tariff
from monitoring.owners import owner_username


def visible_devices(user: TokenUser | None) -> QuerySet[Device]:
    """The devices ``user`` may see (another's is a 404 to them)."""
    if user is None:  # schema generation: no caller
        return Device.objects.none()
    if user.is_admin:
        return Device.objects.all()
    return Device.objects.filter(owner_id=user.id)


def visible_devices_with_owner(user: TokenUser | None) -> QuerySet[Device]:
    """visible_devices, each with its owner's ``owner_username`` (None: no owner, or unknown)."""
    return visible_devices(user).annotate(owner_username=owner_username())


def visible_tariffs(user: TokenUser | None) -> QuerySet[Tariff]:
    """The tariffs ``user`` may see (another device's own tariff is a 404 to them)."""
    tariffs = Tariff.objects.prefetch_related("rates")
    if user is None:  # schema generation: no caller
        return tariffs.none()
    if user.is_admin:
        return tariffs
    return tariffs.filter(Q(device__isnull=True) | Q(device__owner_id=user.id))


def owner_filter(user: TokenUser) -> uuid.UUID | None:
    """Whose devices the caller may see: None for an admin (all), else the caller's own."""
    return None if user.is_admin else user.id
