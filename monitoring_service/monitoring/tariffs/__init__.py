"""Tariffs: prices per kWh by local weekday and time of day, and which one is in force when."""
