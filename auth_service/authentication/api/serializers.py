from __future__ import annotations

from rest_framework import serializers

from authentication.models import Role, User
from ems_common.fields import OptionalEmailField


class UserSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "role", "full_name", "email", "created_at", "updated_at"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = OptionalEmailField(required=False, default="")


class AdminCreateUserSerializer(RegisterSerializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.CLIENT)


class AdminUpdateUserSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    password = serializers.CharField(
        max_length=128, write_only=True, required=False, trim_whitespace=False
    )


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    role = serializers.CharField()


class LoginResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = TokenUserSerializer()


class RefreshSerializer(serializers.Serializer):
    """Left out (an empty body or ``{}``): the refresh cookie is used instead."""

    refresh = serializers.CharField(required=False)


class AccessSerializer(serializers.Serializer):
    access = serializers.CharField()


class JwkSerializer(serializers.Serializer):
    """One RSA public key (RFC 7517), as ems_common.auth's verifiers read it."""

    kty = serializers.ChoiceField(choices=["RSA"])
    kid = serializers.CharField()
    alg = serializers.ChoiceField(choices=["RS256"])
    use = serializers.ChoiceField(choices=["sig"])
    n = serializers.CharField()
    e = serializers.CharField()


class JwksSerializer(serializers.Serializer):
    keys = JwkSerializer(many=True)
