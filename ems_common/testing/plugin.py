"""The EMS pytest plugin: one entry point that loads every fixture module of this package.

Add a fixture module (e.g. ``ems_common.testing.jwt``) by listing it below.
"""

pytest_plugins = [
    "ems_common.testing.broker",
    "ems_common.testing.hypothesis",
    "ems_common.testing.rabbitmq_node",
]
