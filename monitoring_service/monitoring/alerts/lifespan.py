"""ASGI lifespan: the alert feed runs from the server's start-up to its shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from monitoring.alerts.feed import AlertFeed

log = logging.getLogger(__name__)

STARTUP_WAIT_SECONDS = 10.0

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def with_alert_feed(app: ASGIApp) -> ASGIApp:
    """``app`` for http and websocket; lifespan starts and stops an AlertFeed."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        feed = AlertFeed()
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                task = asyncio.create_task(feed.run())
                # Sockets are accepted once the queue is bound, so a client that connected
                # gets every alert from then on; with the broker away, after a while anyway
                # (the feed keeps trying in the background).
                try:
                    await asyncio.wait_for(feed.ready.wait(), STARTUP_WAIT_SECONDS)
                except TimeoutError:
                    log.warning(
                        "alert feed not bound after %ss; serving anyway", STARTUP_WAIT_SECONDS
                    )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await feed.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    return application
