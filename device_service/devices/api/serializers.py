from decimal import Decimal

from rest_framework import serializers

from devices.models import Device


class DeviceSerializer(serializers.ModelSerializer):
    """The device shape of DESIGN §5; ``owner_id`` must name a user this service knows."""

    owner_id = serializers.UUIDField(allow_null=True, required=False)
    max_hourly_consumption_kwh = serializers.DecimalField(
        max_digits=12, decimal_places=3, coerce_to_string=False
    )

    class Meta:
        model = Device
        fields = [
            "id",
            "name",
            "description",
            "address",
            "max_hourly_consumption_kwh",
            "owner_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_max_hourly_consumption_kwh(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise serializers.ValidationError("Must be greater than 0.", code="min_value")
        return value


class AssignSerializer(serializers.Serializer):
    user_id = serializers.UUIDField(allow_null=True)
