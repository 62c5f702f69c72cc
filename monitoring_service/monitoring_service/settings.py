"""Settings of the monitoring_service: everything comes from ems_common and the environment."""

from ems_common.settings import choose_service

choose_service("monitoring", apps=["monitoring"], account_model="monitoring.User")
from ems_common.base_settings import *  # noqa: E402, F403 (the shared settings, as plain names)

# The WebSocket process (asgi.py) fans alerts out to its own sockets only: every process gets
# every alert from its own RabbitMQ queue, so an in-process layer is all it needs.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels.layers.InMemoryChannelLayer",
        # Sockets stay in their group for as long as they are open (the default drops them
        # after a day).
        "CONFIG": {"group_expiry": 10 * 365 * 24 * 3600},
    }
}
