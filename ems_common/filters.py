"""List filters every service shares: ``?search=`` and a strict ``?ordering=``.

DRF's OrderingFilter drops a field it does not know and falls back to the default order, so a
typo answers 200 with rows in an order the client did not ask for. ``StrictOrderingFilter``
answers it with a 400 naming ``ordering`` instead, lists its values in the OpenAPI schema (the
generated TypeScript types and the fuzzer see them) and documents that 400.

A list view declares ``ordering_fields`` (names the queryset can order by: model fields or
annotations) and ``ordering`` (its default), and for search ``search_fields``::

    filter_backends = LIST_FILTER_BACKENDS
    search_fields = ["name", "owner_username"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from ems_common.errors import field_error

ORDERING_INVALID = "invalid"


def ordering_choices(fields: list[str]) -> list[str]:
    """Every value ``?ordering=`` accepts: each field, ascending then descending."""
    return [value for name in fields for value in (name, f"-{name}")]


class StrictOrderingFilter(OrderingFilter):
    """OrderingFilter that refuses an unknown field (400 ``ordering``) and breaks ties by pk,
    so that pages of a list ordered by a non-unique field neither repeat nor skip rows."""

    # Read by ems_common.openapi.AutoSchema: the 400 this backend can answer, per parameter.
    query_error_codes = {OrderingFilter.ordering_param: {ORDERING_INVALID}}

    def declared_fields(self, view: APIView) -> list[str]:
        fields = getattr(view, "ordering_fields", None)
        if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
            raise TypeError(f"{type(view).__name__} must list its ordering_fields by name")
        return list(fields)

    def get_valid_fields(
        self, queryset: QuerySet[Any], view: APIView, context: Mapping[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        return [(name, name) for name in self.declared_fields(view)]

    def remove_invalid_fields(
        self, queryset: QuerySet[Any], fields: Iterable[str], view: APIView, request: Request
    ) -> list[str]:
        choices, fields = ordering_choices(self.declared_fields(view)), list(fields)
        for term in fields:
            if term not in choices:
                raise field_error(
                    self.ordering_param,
                    f"Unknown ordering {term!r}; use one of: {', '.join(choices)}.",
                    code=ORDERING_INVALID,
                )
        return fields

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*ordering, "pk")

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        default = ", ".join(getattr(view, "ordering", None) or []) or "none"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Sort by this field; '-' first for descending (default {default}).",
                "schema": {"type": "string", "enum": ordering_choices(self.declared_fields(view))},
            }
        ]


class NamedSearchFilter(SearchFilter):
    """SearchFilter whose 400 (a NUL byte, which PostgreSQL text cannot hold) names ``search``;
    DRF's own leaves the error's ``attr`` null."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            terms: list[str] = super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc
        return terms


# What a list endpoint filters with: django-filter's fields, ?search= and ?ordering=.
LIST_FILTER_BACKENDS = [DjangoFilterBackend, NamedSearchFilter, StrictOrderingFilter]
