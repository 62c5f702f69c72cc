"""Tariffs in the API: prices as exact decimal strings, windows as "HH:MM"."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from monitoring.models import PRICE_DECIMAL_PLACES, Tariff, TariffRate
from monitoring.tariffs.money import decimal_text
from monitoring.tariffs.schedule import hhmm


@extend_schema_field({"type": "string", "format": "decimal", "example": "0.1523"})
class PriceField(serializers.DecimalField):
    """A price per kWh: in, a decimal (string or number) of at most 6 decimal places; out, the
    exact decimal string without needless trailing zeros."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=18, decimal_places=PRICE_DECIMAL_PLACES, **kwargs)

    def to_representation(self, value: Any) -> str:
        return decimal_text(value)


class RateSerializer(serializers.Serializer):
    days = serializers.ListField(
        child=serializers.IntegerField(), help_text="Weekdays it applies on: Monday 0 .. Sunday 6."
    )
    start = serializers.CharField(help_text='Local time "HH:MM", included.')
    end = serializers.CharField(help_text='Local time "HH:MM" ("24:00" allowed), excluded.')
    price_per_kwh = PriceField(help_text="Price per kWh in the tariff's currency, exact.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, TariffRate):
            return {
                "days": list(instance.days),
                "start": hhmm(instance.start_minute),
                "end": hhmm(instance.end_minute),
                "price_per_kwh": decimal_text(instance.price_per_kwh),
            }
        return super().to_representation(instance)


RATES_HELP = "Windows of the local week; together they cover every minute of the week exactly once."


class TariffSerializer(serializers.ModelSerializer):
    device_id = serializers.UUIDField(
        allow_null=True, help_text="null: the default tariff of every device."
    )
    valid_from = serializers.DateField(help_text="In force from local midnight of this day in tz.")
    tz = serializers.CharField(help_text="IANA zone of the windows, e.g. Europe/Bucharest.")
    currency = serializers.CharField(help_text="ISO 4217, upper case.")
    rates = RateSerializer(many=True, help_text=RATES_HELP)

    class Meta:
        model = Tariff
        fields = ["id", "name", "currency", "device_id", "valid_from", "tz", "rates"]
        read_only_fields = fields


def rekeyed(detail: Any) -> Any:
    """Errors of the rates as ``rates[i].<field>`` (the domain's names), not nested."""
    rates = detail.get("rates") if isinstance(detail, dict) else None
    if isinstance(rates, list):
        rates = dict(enumerate(rates))
    if not isinstance(rates, dict):
        return detail
    result = {key: value for key, value in detail.items() if key != "rates"}
    for index, errors in rates.items():
        if isinstance(errors, dict):
            for field, messages in errors.items():
                result[f"rates[{index}].{field}"] = messages
        elif errors:
            result["rates"] = errors
    return result


class TariffWriteSerializer(serializers.Serializer):
    """A tariff's body (POST; PATCH: any of its fields)."""

    name = serializers.CharField(max_length=200)
    currency = serializers.CharField(help_text="ISO 4217, upper case, e.g. EUR.")
    device_id = serializers.UUIDField(
        allow_null=True, default=None, help_text="null (default): the default of every device."
    )
    valid_from = serializers.DateField(help_text="In force from local midnight of this day in tz.")
    tz = serializers.CharField(help_text="IANA zone of the windows, e.g. Europe/Bucharest.")
    rates = RateSerializer(many=True, help_text=RATES_HELP)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(rekeyed(exc.detail)) from None


class TariffPatchSerializer(TariffWriteSerializer):
    """Any of a tariff's fields; ``rates`` replaces all of them. (Not DRF's ``partial``: that
    would let a rate lack its own fields too.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = empty


class TariffQuery(serializers.Serializer):
    device_id = serializers.UUIDField(required=False, help_text="Only that device's own tariffs.")


class DeviceTariffSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    currency = serializers.CharField()
