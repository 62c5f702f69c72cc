from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from ems_common.filters import LIST_FILTER_BACKENDS
from ems_common.permissions import IsAdmin, IsAdminOrSelf
from ems_common.views import PatchedDetailView
from users import services
from users.api.serializers import ProfileSerializer, ProfileUpdateSerializer
from users.models import Profile


class ProfileListView(generics.ListAPIView):
    permission_classes = [IsAdmin]
    serializer_class = ProfileSerializer
    queryset = Profile.objects.all()
    filter_backends = LIST_FILTER_BACKENDS
    search_fields = ["username", "full_name", "email"]
    ordering_fields = ["username", "full_name", "email", "role"]
    ordering = ["username"]


class ProfileDetailView(PatchedDetailView):
    permission_classes = [IsAdminOrSelf]
    serializer_class = ProfileSerializer
    patch_serializer_class = ProfileUpdateSerializer

    def apply_patch(self, instance: Profile, changes: dict[str, Any]) -> Profile:
        return services.update_contact(instance, **changes)


class MyProfileView(APIView):
    @extend_schema(responses={200: ProfileSerializer})
    def get(self, request: Request) -> Response:
        profile = services.profile_or_none(caller(request).id)
        if profile is None:
            raise exceptions.NotFound(
                "Your profile has not reached the user service yet; try again in a moment."
            )
        return Response(ProfileSerializer(profile).data)
