"""The device list's query filters (django-filter): ``owner_id`` and ``assigned``.

Both narrow what the caller may see already (a client's own devices, ``visible_devices``);
a value they cannot read is a 400 naming the parameter, not an ignored filter.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from devices.models import Device


class DeviceFilter(django_filters.FilterSet):
    owner_id = django_filters.UUIDFilter(field_name="owner_id", label="One owner's devices.")
    # A ChoiceFilter, not a BooleanFilter: django-filter's boolean widget reads an unknown value
    # as "no filter", where the contract wants a 400 naming ``assigned``.
    assigned = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_assigned",
        label="true: devices with an owner; false: devices without one.",
    )

    class Meta:
        model = Device
        fields = ["owner_id", "assigned"]

    def filter_assigned(self, devices: QuerySet[Device], name: str, value: str) -> QuerySet[Device]:
        return devices.filter(owner__isnull=value == "false")
