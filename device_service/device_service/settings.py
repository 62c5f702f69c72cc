"""Settings of the device_service: everything comes from ems_common and the environment."""

from ems_common.settings import build_settings

globals().update(build_settings(service="devices", apps=["devices"], account_model="devices.User"))
