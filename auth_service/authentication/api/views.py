from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse429Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from authentication import keys, services
from authentication.api.serializers import (
    AccessSerializer,
    AdminCreateUserSerializer,
    AdminUpdateUserSerializer,
    JwksSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    RefreshSerializer,
    RegisterSerializer,
    UserSerializer,
)
from authentication.models import User
from ems_common.auth import caller
from ems_common.openapi import ErrorResponse401Serializer
from ems_common.permissions import IsAdmin
from ems_common.validation import validated
from ems_common.views import PatchedDetailView


class PublicView(APIView):
    # No token needed; a failed login still answers 401 with a WWW-Authenticate header.

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="ems"'


def client_ip(request: Request) -> str:
    """The caller's address: X-Real-IP if a trusted proxy (the gateway) sent it, else the socket's.

    A caller that reaches the service directly cannot choose its address with a header.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if forwarded and _is_trusted(remote) and _is_address(forwarded):
        return forwarded
    return remote or "unknown"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(remote: str) -> bool:
    if not _is_address(remote):
        return False
    address = ipaddress.ip_address(remote)
    return any(address in network for network in settings.EMS_TRUSTED_PROXIES)


# services.create_user refuses a taken username (any case) with 400 "unique".
TAKEN_USERNAME = extend_validation_errors(["unique"], field_name="username", methods=["post"])


@TAKEN_USERNAME
class RegisterView(PublicView):
    @extend_schema(
        request=RegisterSerializer,
        responses={201: UserSerializer},
        description="Anyone may create a client account.",
    )
    def post(self, request: Request) -> Response:
        user = services.create_user(**validated(RegisterSerializer, request.data))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicView):
    @extend_schema(
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            401: ErrorResponse401Serializer,
            429: ErrorResponse429Serializer,
        },
        description=(
            "Tokens for a username and password. 401 `wrong_credentials`; 429 after too many "
            "failed logins for the username or from the address."
        ),
    )
    def post(self, request: Request) -> Response:
        credentials = validated(LoginSerializer, request.data)
        user, tokens = services.login(
            credentials["username"], credentials["password"], client_ip(request)
        )
        body = {
            "access": tokens.access,
            "refresh": tokens.refresh,
            "user": {"id": str(user.id), "username": user.username, "role": user.role},
        }
        return Response(body)


class RefreshView(PublicView):
    @extend_schema(
        request=RefreshSerializer,
        responses={200: AccessSerializer, 401: ErrorResponse401Serializer},
        description="A new access token for a valid refresh token.",
    )
    def post(self, request: Request) -> Response:
        refresh = validated(RefreshSerializer, request.data)["refresh"]
        return Response({"access": services.refresh_access(refresh)})


class JwksView(PublicView):
    @extend_schema(
        responses={200: JwksSerializer},
        description="The public keys that verify the access tokens (RFC 7517 key set).",
    )
    def get(self, request: Request) -> Response:
        return Response(keys.jwks())


class MeView(APIView):
    @extend_schema(responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(services.user_for_token(caller(request).id)).data)


@TAKEN_USERNAME
class UserListView(generics.ListAPIView):
    permission_classes = [IsAdmin]
    serializer_class = UserSerializer
    queryset = User.objects.all()

    @extend_schema(request=AdminCreateUserSerializer, responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        user = services.create_user(**validated(AdminCreateUserSerializer, request.data))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


# An admin may not take away their own admin role, nor delete themselves (SelfProtectionError).
@extend_validation_errors(["invalid"], field_name="role", methods=["patch"])
@extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["delete"])
class UserDetailView(PatchedDetailView):
    permission_classes = [IsAdmin]
    serializer_class = UserSerializer
    patch_serializer_class = AdminUpdateUserSerializer
    queryset = User.objects.all()

    def apply_patch(self, instance: User, changes: dict[str, Any]) -> User:
        return services.update_user(instance, acting_user_id=caller(self.request).id, **changes)

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_user(self.get_object(), acting_user_id=caller(request).id)
        return Response(status=status.HTTP_204_NO_CONTENT)
