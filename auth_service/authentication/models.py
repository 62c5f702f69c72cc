"""auth_service's data: users (the source of truth), signing keys and failed login attempts."""

from __future__ import annotations

import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models.functions import Lower


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    CLIENT = "client", "Client"


class User(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(max_length=150)
    password = models.CharField(max_length=255)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLIENT)
    full_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Grows by one on every change; sent with each user.* event so consumers can order them.
    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        db_table = "auth_user"
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="auth_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw: str) -> None:
            # Re-hash with the preferred hasher without bumping the version (not a user change).
            self.set_password(raw)
            User.objects.filter(pk=self.pk).update(password=self.password)

        return check_password(raw_password, self.password, upgrade)


class SigningKey(models.Model):
    """An RS256 key pair; the newest signs, every stored one verifies (listed in jwks.json)."""

    kid = models.CharField(primary_key=True, max_length=64)
    private_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "auth_signing_key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class FailedLogin(models.Model):
    """One failed login, counted per username and per client IP to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "auth_failed_login"

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"


class SignedOutToken(models.Model):
    """A refresh token signed out before it expired (by its ``jti``): refresh refuses it.

    Kept until the token would have expired anyway; each sign-out drops the rows past that.
    """

    jti = models.CharField(primary_key=True, max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "auth_signed_out_token"

    def __str__(self) -> str:
        return self.jti
