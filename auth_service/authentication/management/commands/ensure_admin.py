"""Create the first admin from EMS_ADMIN_USERNAME / EMS_ADMIN_PASSWORD if it does not exist.

The password skips the validators on purpose: the local default is admin/admin. Set a strong
EMS_ADMIN_PASSWORD anywhere but a developer machine.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from authentication.services import ensure_admin
from ems_common.settings import env


class Command(BaseCommand):
    help = "Create the bootstrap admin account (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        username = env("EMS_ADMIN_USERNAME", "admin")
        user, created = ensure_admin(username, env("EMS_ADMIN_PASSWORD", "admin"))
        if created:
            self.stdout.write(f"Created admin {user.username} ({user.id}).")
        else:
            self.stdout.write(f"User {user.username} already exists; nothing to do.")
