"""Serializer fields whose OpenAPI schema says what the API really sends."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

EMAIL_MAX_LENGTH = 254


@extend_schema_field(
    {
        "anyOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}],
        "description": 'An email address, or "" when none was given.',
    }
)
class OptionalEmailField(serializers.EmailField):
    """An email that may be empty: ``format: email`` alone would make ``""`` a schema violation."""

    # EmailField's own keyword arguments, passed through (each has its own type).
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        # The column's length (Django's EmailField): a longer address is a 400, not a database
        # error. Read-only fields validate nothing, and DRF refuses max_length on them.
        if not kwargs.get("read_only"):
            kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)
