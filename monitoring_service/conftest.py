import os

pytest_plugins = [
    "ems_common.testing.jwt",
    "ems_common.testing.broker",
    "ems_common.testing.hypothesis",
]

# The tests store readings at fixed dates back to 2000: the raw retention keeps them all here
# (its own tests give store_readings and the lifecycle their days and their clock).
os.environ["EMS_RAW_RETENTION_DAYS"] = "0"
