"""Monitoring's copies of users and devices, kept by the user.* and device.* events."""
