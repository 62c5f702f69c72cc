"""The ASGI application of monitoring's WebSocket process (``/api/monitoring/ws/``).

HTTP stays with the WSGI workers (gunicorn); this process holds the sockets and, from ASGI
lifespan start-up until shutdown, the RabbitMQ feed of ``ems.alerts`` (docs/ARCHITECTURE.md).
It also answers HTTP with the same Django app, so its health endpoint can be probed directly.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring_service.settings")
django_application = get_asgi_application()

# Imported after Django is set up: they use the settings and the app registry.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402
from monitoring.alerts.lifespan import with_alert_feed  # noqa: E402
from monitoring.alerts.websocket import AlertsConsumer  # noqa: E402

application = with_alert_feed(
    ProtocolTypeRouter(
        {
            "http": django_application,
            "websocket": URLRouter([path("api/monitoring/ws/", AlertsConsumer.as_asgi())]),
        }
    )
)
