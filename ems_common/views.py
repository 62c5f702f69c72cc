"""A detail view whose PATCH is the domain's update: the body checked by its own serializer."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ems_common.validation import validated


# GET shows the object; PATCH checks the body with ``patch_serializer_class``, hands the values
# to ``apply_patch`` (a domain service) and answers with the object as GET shows it. The schema
# documents ``patch_serializer_class`` as PATCH's body (ems_common.openapi). The objects are
# all of the model ``serializer_class`` shows unless the view names its own (``queryset`` or
# ``get_queryset``). A comment, not a docstring: drf-spectacular would make a docstring every
# subclass's description.
class PatchedDetailView(generics.RetrieveAPIView):
    serializer_class: type[serializers.ModelSerializer]
    patch_serializer_class: type[serializers.Serializer]

    def get_queryset(self) -> QuerySet[Any]:
        if self.queryset is not None:
            return super().get_queryset()
        model: type[Model] = self.serializer_class.Meta.model
        return model._default_manager.all()

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        changes = validated(self.patch_serializer_class, request.data)
        return Response(self.get_serializer(self.apply_patch(instance, changes)).data)

    def apply_patch(self, instance: Any, changes: dict[str, Any]) -> Model:
        raise NotImplementedError
