"""Django settings for ems_common's own tests: a monitoring-like service with a test app."""

from ems_common.settings import build_settings, database_config

globals().update(
    build_settings(
        service="monitoring",
        apps=["ems_common.tests.testapp"],
        database="ems_common_db",
        # A synced entity like any account copy; the session tests use it as one.
        account_model="testapp.SyncedDevice",
    )
)
# Its own database whatever MONITORING_DB_NAME says, so it never meets the monitoring tests.
DATABASES = {"default": database_config("EMS_COMMON_DB_NAME", "ems_common_db")}
ROOT_URLCONF = "ems_common.tests.urls"
