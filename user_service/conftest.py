pytest_plugins = ["ems_common.testing.jwt", "ems_common.testing.plugin"]
