"""Test helpers shared by every service (pytest plugins)."""
