"""Create an account if no account of that name exists (idempotent), e.g. the demo client.

Like ensure_admin, the password skips the validators on purpose (the demo's is ``demo``) and
``user.created`` goes through the outbox as for any other new account.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from authentication.models import Role
from authentication.services import ensure_user


class Command(BaseCommand):
    help = "Create an account without password validation, unless its username exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=Role.values, default=Role.CLIENT)

    def handle(self, *args: Any, **options: Any) -> None:
        user, created = ensure_user(options["username"], options["password"], options["role"])
        if created:
            self.stdout.write(f"Created {user.role} {user.username} ({user.id}).")
        else:
            self.stdout.write(f"User {user.username} already exists; nothing to do.")
