"""ems_common's own tests: the JWT fixtures every service uses (test keys, make_token)."""

pytest_plugins = ["ems_common.testing.jwt"]
