"""Code every EMS service shares: settings, messaging, outbox, JWT, errors, health."""
