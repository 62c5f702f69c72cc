"""Versioned, idempotent application of synced events (the consuming side of the outbox)."""
