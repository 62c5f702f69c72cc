from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser

from ems_common.settings import add_env_option


class Command(BaseCommand):
    help = (
        "Serve the live alerts WebSocket (/api/monitoring/ws/, monitoring_service/asgi.py) with "
        "uvicorn until SIGTERM; HTTP stays with the gunicorn workers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_env_option(parser, "--host", "MONITORING_WS_HOST", "127.0.0.1", "address to bind")
        add_env_option(parser, "--port", "MONITORING_WS_PORT", 8013, "port to bind")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"alerts WebSocket on {options['host']}:{options['port']}")
        uvicorn.run(
            "monitoring_service.asgi:application",
            host=options["host"],
            port=options["port"],
            # The alert feed starts and stops with the server (monitoring/alerts/lifespan.py).
            lifespan="on",
            # Pings keep an idle socket open through the gateway and notice dead clients.
            ws_ping_interval=20,
            ws_ping_timeout=20,
            timeout_graceful_shutdown=5,
            log_config=None,  # Django's LOGGING
            # uvicorn logs each handshake's URL at INFO, and the URL holds the access token.
            log_level="warning",
            access_log=False,
        )
