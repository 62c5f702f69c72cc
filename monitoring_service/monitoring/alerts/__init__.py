"""Overconsumption alerts: who sees which, their events, and the live WebSocket push."""
