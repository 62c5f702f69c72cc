"""Django settings for ems_common's own tests: a monitoring-like service with a test app."""

from ems_common.settings import choose_service, database_config

# A synced entity like any account copy; the session tests use it as one.
choose_service(
    "monitoring", apps=["ems_common.tests.testapp"], account_model="testapp.SyncedDevice"
)
from ems_common.base_settings import *  # noqa: E402, F403 (the shared settings, as plain names)

# Its own database whatever MONITORING_DB_NAME says, so it never meets the monitoring tests.
DATABASES = {"default": database_config("EMS_COMMON_DB_NAME", "ems_common_db")}
ROOT_URLCONF = "ems_common.tests.urls"
