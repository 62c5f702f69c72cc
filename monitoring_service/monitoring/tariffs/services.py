"""Creating, changing and deleting tariffs: every rule checked, InvalidField naming the field."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from ems_common.exceptions import InvalidField
from monitoring.consumption.local_days import UnknownTimeZone, zone_named
from monitoring.models import Device, Tariff, TariffRate
from monitoring.tariffs.money import checked_currency
from monitoring.tariffs.schedule import Rate, check_coverage, check_rate, minutes_of

FIELDS = ("name", "currency", "device_id", "valid_from", "tz", "rates")


def checked_rates(rates: Sequence[Mapping[str, Any]]) -> list[Rate]:
    """``rates`` ({days, start "HH:MM", end "HH:MM", price_per_kwh}) checked: each on its own,
    then together (every minute of the week exactly once)."""
    checked = []
    for index, rate in enumerate(rates):
        field = f"rates[{index}]"
        start = minutes_of(rate["start"], f"{field}.start", allow_end_of_day=False)
        end = minutes_of(rate["end"], f"{field}.end", allow_end_of_day=True)
        checked.append(check_rate(index, rate["days"], start, end, Decimal(rate["price_per_kwh"])))
    check_coverage(checked)
    return checked


def check_tariff(values: Mapping[str, Any], tariff_id: uuid.UUID | None) -> list[Rate]:
    """All of a tariff's ``values`` checked; its rates as Rate."""
    checked_currency(values["currency"])
    try:
        zone_named(values["tz"])
    except UnknownTimeZone as exc:
        raise InvalidField("tz", str(exc)) from None
    device_id: uuid.UUID | None = values["device_id"]
    if device_id is not None and not Device.objects.filter(id=device_id).exists():
        raise InvalidField("device_id", f"There is no device {device_id}.")
    rates = checked_rates(values["rates"])
    same_start = Tariff.objects.filter(valid_from=values["valid_from"])
    if device_id is None:
        same_start = same_start.filter(device__isnull=True)
    else:
        same_start = same_start.filter(device_id=device_id)
    if tariff_id is not None:
        same_start = same_start.exclude(id=tariff_id)
    if same_start.exists():
        raise taken_start(values)
    return rates


def taken_start(values: Mapping[str, Any]) -> InvalidField:
    whose = "the device" if values["device_id"] else "the default tariffs"
    day: date = values["valid_from"]
    return InvalidField("valid_from", f"A tariff of {whose} already starts on {day.isoformat()}.")


def saved(tariff: Tariff, values: Mapping[str, Any]) -> None:
    """Save ``tariff``; a tariff with the same start written meanwhile (the check above ran
    before it committed) is the same 400, from the unique constraint."""
    try:
        with transaction.atomic():
            tariff.save()
    except IntegrityError as exc:
        if "tariff_one_per_device_start" in str(exc):
            raise taken_start(values) from None
        raise


def save_rates(tariff: Tariff, rates: Sequence[Rate]) -> None:
    tariff.rates.all().delete()
    TariffRate.objects.bulk_create(
        TariffRate(
            tariff=tariff,
            position=index,
            days=list(rate.days),
            start_minute=rate.start,
            end_minute=rate.end,
            price_per_kwh=rate.price,
        )
        for index, rate in enumerate(rates)
    )


@transaction.atomic
def create_tariff(**values: Any) -> Tariff:
    """A new tariff from ``FIELDS`` (rates as dicts); InvalidField naming what is wrong."""
    rates = check_tariff(values, None)
    tariff = Tariff(**{k: v for k, v in values.items() if k != "rates"})
    saved(tariff, values)
    save_rates(tariff, rates)
    return tariff


def rate_values(tariff: Tariff) -> list[dict[str, Any]]:
    return [
        {
            "days": list(r.days),
            "start": f"{r.start_minute // 60:02d}:{r.start_minute % 60:02d}",
            "end": f"{r.end_minute // 60:02d}:{r.end_minute % 60:02d}",
            "price_per_kwh": r.price_per_kwh,
        }
        for r in tariff.rates.all()
    ]


@transaction.atomic
def update_tariff(tariff: Tariff, **changes: Any) -> Tariff:
    """``tariff`` with ``changes`` (any of FIELDS; rates replace all the rates), every rule
    checked on the result. Costs are computed at query time: past periods change with it."""
    current = {field: getattr(tariff, field) for field in FIELDS if field != "rates"}
    values = {**current, "rates": rate_values(tariff), **changes}
    rates = check_tariff(values, tariff.id)
    for field in FIELDS:
        if field != "rates":
            setattr(tariff, field, values[field])
    saved(tariff, values)
    if "rates" in changes:
        save_rates(tariff, rates)
    return tariff


def delete_tariff(tariff: Tariff) -> None:
    tariff.delete()
