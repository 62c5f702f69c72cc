"""Settings of the auth_service: everything comes from ems_common and the environment."""

from ems_common.settings import build_settings

globals().update(build_settings(service="auth", apps=["authentication"], database="auth_db"))
