from decimal import Decimal

from rest_framework import serializers

from devices.models import Device
from ems_common.contracts import DEVICE_FIELDS


class DeviceSerializer(serializers.ModelSerializer):
    """A device as the API sends and takes it; ``owner_id`` must name a user this service knows."""

    owner_id = serializers.UUIDField(allow_null=True, required=False)
    # Read only: the synced owner's name (null while unassigned), for lists that show and sort it.
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    # Above 0: with 3 decimal places the smallest is 0.001, which the schema states as its minimum.
    max_hourly_consumption_kwh = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        coerce_to_string=False,
        min_value=Decimal("0.001"),
        error_messages={"min_value": "Must be greater than 0."},
    )

    class Meta:
        model = Device
        fields = [*DEVICE_FIELDS, "owner_username", "created_at", "updated_at"]
        read_only_fields = ["id", "owner_username", "created_at", "updated_at"]


class AssignSerializer(serializers.Serializer):
    user_id = serializers.UUIDField(allow_null=True)


class MeterAmqpSerializer(serializers.Serializer):
    host = serializers.CharField()
    port = serializers.IntegerField()
    vhost = serializers.CharField()
    exchange = serializers.CharField(help_text="amq.topic")
    routing_key = serializers.CharField(help_text="ems.meters.<device_id>.readings")


class MeterMqttSerializer(serializers.Serializer):
    host = serializers.CharField()
    port = serializers.IntegerField()
    username = serializers.CharField(help_text="The MQTT user name (vhost:username off vhost /).")
    topic = serializers.CharField(help_text="ems/meters/<device_id>/readings")
    topic_prefix = serializers.CharField(
        help_text="ems/meters/<device_id>: the key may publish anything under it (a Shelly's "
        "topic prefix; a Tasmota's FullTopic is ems/meters/<device_id>/%prefix%/)."
    )
    client_id = serializers.CharField(
        help_text="meter-<device_id>: the MQTT client id whose subscriptions (its own subtree, "
        "Tasmota's fallback topic cmnd/<client id>_fb/#) the key may make."
    )
    qos = serializers.IntegerField(help_text="1: a PUBACK means the broker has the reading.")


class MeterKeySerializer(serializers.Serializer):
    """A device's meter key, as issued: the password is in this answer only."""

    username = serializers.CharField()
    password = serializers.CharField(help_text="Shown once; issuing again replaces it.")
    amqp = MeterAmqpSerializer()
    mqtt = MeterMqttSerializer()
