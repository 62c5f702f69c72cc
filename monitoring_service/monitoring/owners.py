"""Whose a device or an alert is, by name: the username of monitoring's synced copy of the user."""

from __future__ import annotations

from django.db.models import CharField, OuterRef, Subquery

from monitoring.models import User


def owner_username(owner_field: str = "owner_id") -> Subquery:
    """The username of the user whose id is in ``owner_field``, None when there is none (no
    owner, or one not synced yet): a subquery of the list's own statement, not a query per row,
    that ``?search=`` and ``?ordering=`` can use like a column."""
    users = User.objects.filter(id=OuterRef(owner_field)).values("username")[:1]
    return Subquery(users, output_field=CharField())
