"""Request data checked by a DRF serializer: the validated values, or a 400 naming each field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


def validated(checker: type[serializers.Serializer], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (a body or query parameters) validated by ``checker``; ValidationError if not."""
    serializer = checker(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
