"""Settings of the device_service: everything comes from ems_common and the environment."""

from ems_common.settings import choose_service

choose_service("devices", apps=["devices"], account_model="devices.User")
from ems_common.base_settings import *  # noqa: E402, F403 (the shared settings, as plain names)
