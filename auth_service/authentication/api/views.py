from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse429Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from authentication import keys, services
from authentication.api import cookies
from authentication.api.proxy import client_ip
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
from ems_common.exceptions import NotAuthenticated as DomainNotAuthenticated
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
            "Tokens for a username and password; the refresh token also comes as the HttpOnly "
            f"cookie `{cookies.REFRESH_COOKIE}` (SameSite=Strict, Path=/api/auth/), which "
            "`refresh` and `logout` read. 401 `wrong_credentials`; 429 after too many failed "
            "logins for the username or from the address."
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
        response = Response(body)
        cookies.set_refresh_cookie(response, request, tokens.refresh)
        return response


class RefreshView(PublicView):
    @extend_schema(
        request=RefreshSerializer,
        responses={200: AccessSerializer, 401: ErrorResponse401Serializer},
        description=(
            "A new access token for a valid refresh token: the body's `refresh` if given (API "
            f"clients), else the `{cookies.REFRESH_COOKIE}` cookie (browsers: an empty body or "
            "`{}`). 401 `not_authenticated` when there is neither; a refused cookie is cleared."
        ),
    )
    def post(self, request: Request) -> Response:
        given = validated(RefreshSerializer, request.data).get("refresh")
        if given is not None:
            return Response({"access": services.refresh_access(given)})
        from_cookie = cookies.refresh_cookie(request)
        if from_cookie is None:
            raise exceptions.NotAuthenticated("No refresh token: sign in.")
        try:
            access = services.refresh_access(from_cookie)
        except (DomainNotAuthenticated, exceptions.AuthenticationFailed) as refused:
            # The browser would send the dead cookie again on every load: it goes now.
            response = self.handle_exception(refused)
            cookies.clear_refresh_cookie(response)
            return response
        return Response({"access": access})


class LogoutView(PublicView):
    @extend_schema(
        request=None,
        responses={204: None},
        description=(
            f"Signs the browser out: the refresh token of the `{cookies.REFRESH_COOKIE}` cookie "
            "is refused from now on (401 `signed_out`) and the cookie is cleared. No token "
            "needed; the access token in the page's memory is the page's to forget."
        ),
    )
    def post(self, request: Request) -> Response:
        token = cookies.refresh_cookie(request)
        if token is not None:
            services.sign_out(token)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        cookies.clear_refresh_cookie(response)
        return response


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

    def apply_patch(self, instance: User, changes: dict[str, Any]) -> User:
        return services.update_user(instance, acting_user_id=caller(self.request).id, **changes)

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_user(self.get_object(), acting_user_id=caller(request).id)
        return Response(status=status.HTTP_204_NO_CONTENT)
