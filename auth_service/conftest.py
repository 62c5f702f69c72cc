pytest_plugins = ["ems_common.testing.jwt"]
