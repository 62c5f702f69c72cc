"""Consumption over local days: bucket sums, the day summary, time zones."""
