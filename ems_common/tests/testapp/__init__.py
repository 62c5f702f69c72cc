"""A tiny app with a synced model, to exercise ems_common.inbox."""
