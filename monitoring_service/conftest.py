pytest_plugins = [
    "ems_common.testing.jwt",
    "ems_common.testing.broker",
    "ems_common.testing.hypothesis",
]
