"""Settings of the monitoring_service: everything comes from ems_common and the environment."""

from ems_common.settings import build_settings

globals().update(
    build_settings(service="monitoring", apps=["monitoring"], database="monitoring_db")
)
