"""Meter readings in: parsing, storing them with their hourly totals, the dead-letter replay."""
