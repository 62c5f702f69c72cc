from __future__ import annotations

from rest_framework import serializers

from ems_common.fields import OptionalEmailField
from users.models import Profile


class ProfileSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = Profile
        fields = ["id", "username", "role", "full_name", "email", "created_at"]
        read_only_fields = fields


class ProfileUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = OptionalEmailField(required=False)
