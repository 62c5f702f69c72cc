"""Settings of the auth_service: everything comes from ems_common and the environment."""

from ems_common.settings import build_settings, env_int

globals().update(build_settings(service="auth", apps=["authentication"], database="auth_db"))

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

# Failed logins allowed per username and per client IP within the window, before 429.
EMS_LOGIN_MAX_FAILURES = env_int("EMS_LOGIN_MAX_FAILURES", 10)
EMS_LOGIN_FAILURE_WINDOW_SECONDS = env_int("EMS_LOGIN_FAILURE_WINDOW_SECONDS", 60)
