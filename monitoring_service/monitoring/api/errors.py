"""The domain's refusals as HTTP errors: 404 for a device the caller may not see, 400 naming
the parameter of a period that cannot be asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import Http404

from ems_common.errors import field_error
from monitoring.consumption.buckets import DeviceNotVisible
from monitoring.consumption.local_days import InvalidPeriod


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except DeviceNotVisible:
        raise Http404("No such device.") from None
    except InvalidPeriod as exc:
        raise field_error(exc.field, str(exc)) from None
