"""The response shapes of /hourly/daily/ and /hourly/range/, for the OpenAPI schema.

The views build these bodies themselves (monitoring.api.hourly, from the domain's summaries in
monitoring.consumption.summary); the serializers describe them, for the frontend's generated
types. monitoring/tests/api/test_schema.py checks real responses against them, field by field.
"""

from __future__ import annotations

from rest_framework import serializers


class ConsumptionHourSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The local hour's start, ISO-8601 with offset.")
    hour = serializers.IntegerField(min_value=0, max_value=23, help_text="Local hour of day.")
    kwh = serializers.FloatField()


class ConsumptionPeakSerializer(serializers.Serializer):
    hour = serializers.IntegerField(min_value=0, max_value=23)
    kwh = serializers.FloatField()


class DailyConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    date = serializers.DateField()
    tz = serializers.CharField()
    hours = ConsumptionHourSerializer(many=True, help_text="23, 24 or 25 hours (daylight saving).")
    total_kwh = serializers.FloatField()
    peak = ConsumptionPeakSerializer(allow_null=True, help_text="The busiest hour; null if all 0.")
    average_kwh = serializers.FloatField()


class ConsumptionDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kwh = serializers.FloatField()


class RangeConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    start = serializers.DateField()
    end = serializers.DateField()
    tz = serializers.CharField()
    days = ConsumptionDaySerializer(many=True, help_text="Every local day from start to end.")
    total_kwh = serializers.FloatField()


class PeriodBucketSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The bucket's local start, ISO-8601 with offset.")
    kwh = serializers.FloatField()
    readings = serializers.IntegerField(min_value=0, help_text="Readings stored in the bucket.")
    expected_readings = serializers.IntegerField(
        min_value=0,
        help_text="Readings the device's interval gives for the elapsed part of the bucket.",
    )
    cost = serializers.FloatField(allow_null=True, help_text="Null when no tariff applies.")


class PeriodTotalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive.")
    total_kwh = serializers.FloatField()
    total_cost = serializers.FloatField(allow_null=True)


class PeriodConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    period = serializers.ChoiceField(choices=["day", "week", "month", "year"])
    start = serializers.DateTimeField(help_text="The period's local start, with offset.")
    end = serializers.DateTimeField(help_text="The period's local end (exclusive), with offset.")
    tz = serializers.CharField()
    bucket = serializers.ChoiceField(choices=["hour", "day", "month"])
    buckets = PeriodBucketSerializer(many=True, help_text="They tile the period, in order.")
    total_kwh = serializers.FloatField()
    total_cost = serializers.FloatField(allow_null=True)
    currency = serializers.CharField(allow_null=True, help_text="ISO 4217; null without tariff.")
    # Serializer.partial is DRF's own attribute; the metaclass takes the field out of the class.
    partial = serializers.BooleanField(help_text="The period is not over yet.")  # type: ignore[assignment]
    last_reading_at = serializers.DateTimeField(
        allow_null=True, help_text="The device's latest reading in the period."
    )
    previous = PeriodTotalSerializer(help_text="The period before this one.")
    last_year = PeriodTotalSerializer(help_text="The same kind of period, a year earlier.")


class FleetOverMaxSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    hours_over = serializers.IntegerField(
        min_value=1, help_text="UTC hours of the local day whose kWh went over the maximum."
    )


class FleetSilentSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    last_reading_at = serializers.DateTimeField(
        allow_null=True, help_text="Its latest reading ever; null: it never sent one."
    )


class FleetTopSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    kwh = serializers.FloatField()


class FleetOverviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    tz = serializers.CharField()
    devices = serializers.IntegerField(min_value=0, help_text="How many devices there are.")
    total_kwh = serializers.FloatField(help_text="Every device's kWh on the local day.")
    over_max = FleetOverMaxSerializer(many=True, help_text="Most hours over first.")
    silent = FleetSilentSerializer(
        many=True, help_text="No reading for more than 3 of its intervals before now."
    )
    top = FleetTopSerializer(many=True, help_text="The 10 biggest consumers of the day.")
