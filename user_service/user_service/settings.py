"""Settings of the user_service: everything comes from ems_common and the environment."""

from ems_common.settings import build_settings

globals().update(build_settings(service="users", apps=["users"], account_model="users.Profile"))
