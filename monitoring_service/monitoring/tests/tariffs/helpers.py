"""Tariffs for tests: a flat price, night/day time of use, any rates."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from monitoring.models import Tariff
from monitoring.tariffs.services import create_tariff

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


def rate(start: str, end: str, price: str, days: list[int] | None = None) -> dict[str, Any]:
    return {
        "days": ALL_DAYS if days is None else days,
        "start": start,
        "end": end,
        "price_per_kwh": price,
    }


def night_day_rates(night: str = "0.1", day: str = "0.25") -> list[dict[str, Any]]:
    """Night 23:00–07:00, day 07:00–23:00, every day."""
    return [
        rate("00:00", "07:00", night),
        rate("07:00", "23:00", day),
        rate("23:00", "24:00", night),
    ]


def make_tariff(
    device_id: uuid.UUID | None = None,
    valid_from: date = date(2020, 1, 1),
    rates: list[dict[str, Any]] | None = None,
    currency: str = "EUR",
    tz: str = "Europe/Bucharest",
    name: str = "Tariff",
) -> Tariff:
    return create_tariff(
        name=name,
        currency=currency,
        device_id=device_id,
        valid_from=valid_from,
        tz=tz,
        rates=rates or [rate("00:00", "24:00", "0.2")],
    )
