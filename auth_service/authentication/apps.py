from django.apps import AppConfig


class AuthenticationConfig(AppConfig):
    name = "authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from authentication.keys import resolve_token_key
        from ems_common import auth

        # auth_service holds the keys: it verifies its own tokens without fetching jwks.json.
        auth.set_key_resolver(resolve_token_key)
