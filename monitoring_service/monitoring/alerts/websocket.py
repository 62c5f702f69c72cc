"""``/api/monitoring/ws/?token=<access JWT>``: live overconsumption alerts for one browser tab.

The token is verified at the handshake like a ``Bearer`` header (ems_common.auth); a missing,
bad or expired one closes the socket before it is accepted, which the server answers with HTTP
403. A client joins its own group, an admin the admins' group; the alert feed (feed.py) sends
each alert to its owner's group and to the admins' group (an admin who owns the device gets it
once).
The socket is closed when its token expires, or at the next alert once its session has ended
(ems_common.sessions), so the client reconnects with a fresh token or signs in again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from rest_framework.exceptions import APIException

from ems_common.auth import decode_token, user_from_claims
from ems_common.sessions import check_current

log = logging.getLogger(__name__)

ADMINS_GROUP = "alerts.admins"
# Close code (4000-4999: application) telling the client its token expired: reconnect with a new.
TOKEN_EXPIRED_CLOSE = 4401


def owner_group(user_id: object) -> str:
    return f"alerts.user.{user_id}"


def token_from(scope: dict[str, Any]) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    tokens = query.get("token")
    return tokens[0] if tokens else None


async def authenticate(token: str | None) -> dict[str, Any] | None:
    """The token's verified claims, or None when it does not verify or its session ended."""
    if not token:
        return None
    try:
        # The JWKS may be fetched over HTTP: not on the event loop.
        claims = await sync_to_async(decode_token, thread_sensitive=False)(token)
        await sync_to_async(check_current)(claims)  # a session ended by an account change
    except APIException as exc:  # AuthenticationFailed, or the auth service unreachable
        log.info("websocket refused: %s", exc.detail)
        return None
    return claims


async def session_ended(claims: dict[str, Any]) -> bool:
    try:
        await sync_to_async(check_current)(claims)
    except APIException:
        return True
    return False


class AlertsConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    expiry: asyncio.TimerHandle | None = None
    claims: dict[str, Any] | None = None

    async def connect(self) -> None:
        self.claims = await authenticate(token_from(self.scope))
        if self.claims is None:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        user, expires_at = user_from_claims(self.claims), float(self.claims["exp"])
        self.group = ADMINS_GROUP if user.is_admin else owner_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user_id": str(user.id), "role": user.role})
        delay = max(0.0, expires_at - time.time())
        self.expiry = asyncio.get_running_loop().call_later(delay, self._token_expired)

    def _token_expired(self) -> None:
        asyncio.ensure_future(self.close(code=TOKEN_EXPIRED_CLOSE))

    async def disconnect(self, code: int) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients have nothing to say; anything they send is ignored."""

    async def alert_push(self, event: dict[str, Any]) -> None:
        """A group message from the alert feed: forward its payload as is.

        Unless the account changed since the socket opened (an admin demoted, say): then the
        socket closes as if its token had expired, and the client must sign in again.
        """
        if self.claims is not None and await session_ended(self.claims):
            await self.close(code=TOKEN_EXPIRED_CLOSE)
            return
        await self.send_json(event["message"])
