"""user_service's data: one profile per auth_service user, kept current by user.* events.

auth_service owns username, role and password; full_name and email arrive with user.created and
are owned here afterwards (PATCH /api/users/{id}/), so user.updated only moves username and role.
"""

from django.db import models

from ems_common.inbox.models import SyncedEntity


class Profile(SyncedEntity):
    username = models.CharField(max_length=150, db_index=True)
    role = models.CharField(max_length=16)
    full_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "users_profile"
        ordering = ["username", "id"]

    def __str__(self) -> str:
        return self.username
