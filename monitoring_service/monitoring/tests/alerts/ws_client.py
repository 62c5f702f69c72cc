"""A WebSocket client for an ASGI app in the test's event loop (no server, no network).

channels.testing has one, but importing it needs daphne, which nothing else here uses.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from asgiref.testing import ApplicationCommunicator


class WebSocketClient(ApplicationCommunicator):
    def __init__(self, application: Any, path: str) -> None:
        url = urlsplit(path)
        scope = {
            "type": "websocket",
            "path": url.path,
            "query_string": url.query.encode(),
            "headers": [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5) -> tuple[bool, Any]:
        """(True, subprotocol) when accepted; (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def receive_json_from(self, timeout: float = 5) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
