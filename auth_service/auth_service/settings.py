"""Settings of the auth_service: everything comes from ems_common and the environment."""

from ems_common.settings import choose_service, env_int, env_networks

choose_service("auth", apps=["authentication"], account_model="authentication.User")
from ems_common.base_settings import *  # noqa: E402, F403 (the shared settings, as plain names)

# The users table is the source of truth: a token whose account is not in it is refused.
EMS_ACCOUNT_MODEL_IS_SOURCE = True

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Token lifetimes in seconds: access 15 minutes, refresh 7 days.
EMS_ACCESS_TOKEN_SECONDS = env_int("EMS_ACCESS_TOKEN_SECONDS", 15 * 60)
EMS_REFRESH_TOKEN_SECONDS = env_int("EMS_REFRESH_TOKEN_SECONDS", 7 * 24 * 3600)

# Login throttling (authentication/throttling.py): free failures per (username, client address)
# and per address, then a delay from the first value doubling up to the maximum, in seconds.
EMS_LOGIN_FREE_FAILURES = env_int("EMS_LOGIN_FREE_FAILURES", 5)
EMS_LOGIN_IP_FREE_FAILURES = env_int("EMS_LOGIN_IP_FREE_FAILURES", 100)
EMS_LOGIN_FIRST_DELAY_SECONDS = env_int("EMS_LOGIN_FIRST_DELAY_SECONDS", 1)
EMS_LOGIN_MAX_DELAY_SECONDS = env_int("EMS_LOGIN_MAX_DELAY_SECONDS", 15 * 60)
EMS_LOGIN_FAILURE_WINDOW_SECONDS = env_int("EMS_LOGIN_FAILURE_WINDOW_SECONDS", 3600)

# Addresses whose X-Real-IP header is believed (the gateway's); anyone else is known by the
# socket's address. Comma-separated addresses or networks.
EMS_TRUSTED_PROXIES = env_networks("EMS_TRUSTED_PROXIES", "127.0.0.1,::1")
