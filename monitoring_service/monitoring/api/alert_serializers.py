"""The alert shape of the API, the one clients rely on.

The WebSocket push carries the same shape, built by the domain (monitoring.alerts.events, which
must not import the API); monitoring/tests/alerts/test_events.py keeps the two equal.
"""

from __future__ import annotations

from rest_framework import serializers

from monitoring.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    device_id = serializers.UUIDField(read_only=True)
    device_name = serializers.CharField(read_only=True)
    owner_id = serializers.UUIDField(read_only=True, allow_null=True)
    owner_username = serializers.CharField(read_only=True, allow_null=True)
    # The caller's own read (monitoring.alerts.services.visible_alerts), None: unread.
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    kwh = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=False)
    max_kwh = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=False)

    class Meta:
        model = Alert
        fields = [
            "id",
            "device_id",
            "device_name",
            "owner_id",
            "owner_username",
            "hour_start",
            "kwh",
            "max_kwh",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields
