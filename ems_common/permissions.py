"""Role and ownership permissions shared by every service."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from ems_common.auth import caller


def is_admin(request: Request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and getattr(user, "role", None) == "admin")


class IsAdmin(BasePermission):
    message = "Only an admin may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request)


class Authenticated(BasePermission):
    """Object-level permissions below start here: an anonymous caller gets 401, never a 500."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)


class IsAdminOrSelf(Authenticated):
    """Object-level: admins, or the user whose record it is (``obj.id``)."""

    message = "You may only see or change your own account."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_admin(request) or obj.id == caller(request).id


class IsOwnerOrAdmin(Authenticated):
    """Object-level: admins, or the owner of the object (``obj.owner_id``)."""

    message = "This belongs to another user."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_admin(request) or obj.owner_id == caller(request).id


class IsAdminOrReadOnly(Authenticated):
    """Anyone signed in reads (what the view's queryset lets them see); only admins write."""

    message = "Only an admin may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return is_admin(request)
