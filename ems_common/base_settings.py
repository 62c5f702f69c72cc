"""The Django settings every service shares, as plain names the type checker reads too.

Read from the environment with local defaults (ems_common/settings.py has the readers). Which
service they are for comes from ``ems_common.settings.choose_service()``, which the service's
``settings.py`` calls before ``from ems_common.base_settings import *``; it then adds or
replaces what is its own.
"""

import os as _os

from django.core.exceptions import ImproperlyConfigured as _ImproperlyConfigured

from ems_common import settings as _ems

_choice = _ems.chosen_service()
_entry = _ems.services()[_choice.service]


def _secret_key() -> str:
    secret = _os.environ.get("DJANGO_SECRET_KEY")
    if secret:
        return secret
    if _ems.production():
        raise _ImproperlyConfigured("DJANGO_SECRET_KEY is required when EMS_ENV=production")
    return "insecure-local-development-key-" + _choice.service


EMS_SERVICE = _choice.service
EMS_ACCOUNT_MODEL = _choice.account_model
SECRET_KEY = _secret_key()
# Never Django's debug pages, not even locally: they show settings, paths and source to any
# client. Errors are JSON (ems_common.errors); tracebacks go to the log.
DEBUG = False
ALLOWED_HOSTS = _ems.env_list("DJANGO_ALLOWED_HOSTS", "*")
CSRF_TRUSTED_ORIGINS = _ems.env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8080")
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "ems_common.outbox",
    "ems_common.inbox",
    *_choice.apps,
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ems_common.http.RejectNulBytesMiddleware",
    "ems_common.http.CommonMiddleware",
]
ROOT_URLCONF = f"{_entry.project}.urls"
WSGI_APPLICATION = f"{_entry.project}.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": _ems.database_config(_entry.db_env, _entry.default_db)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
STATIC_URL = f"{_entry.prefix}static/"
# Unset locally: whitenoise serves the apps' static files (Swagger UI) through the finders.
STATIC_ROOT = _os.environ.get("DJANGO_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
APPEND_SLASH = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["ems_common.auth.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "ems_common.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only: another site's HTML form cannot post to the API (415).
    "DEFAULT_PARSER_CLASSES": ["ems_common.parsers.JSONParser"],
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "ems_common.errors.EmsExceptionHandler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"EMS {_choice.service} service API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error shape's "type" choices (drf-standardized-errors) get stable names.
    "ENUM_NAME_OVERRIDES": {
        f"{kind}Enum": f"drf_standardized_errors.openapi_serializers.{kind}Enum.choices"
        for kind in ("ValidationError", "ClientError", "ServerError")
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
    "SECURITY": [{"jwtAuth": []}],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    },
}
EMS_JWKS_URL = _ems.env(
    "EMS_JWKS_URL", f"http://127.0.0.1:{_ems.service_port('auth')}/api/auth/jwks.json"
)
EMS_JWT_ISSUER = _ems.env("EMS_JWT_ISSUER", "ems-auth")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _ems.env("EMS_LOG_LEVEL", "INFO")},
    "loggers": {"pika": {"level": "WARNING"}},
}
