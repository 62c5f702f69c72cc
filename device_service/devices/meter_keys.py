"""Meter keys: a RabbitMQ user per device, made, rotated and removed through the management API.

A device's key is the broker user ``meter-<device_id>`` with a random password. Its permissions
on the EMS vhost: write ``amq.topic``, and on that exchange a topic permission that lets it
write under its own device's subtree only, ``ems.meters.<device_id>.*`` (MQTT
``ems/meters/<device_id>/...``): its readings (``.../readings``, or a Tasmota's
``.../tele/SENSOR``, a Shelly's ``.../status/switch:0``), and the other topics a real device
publishes there (LWT, online, ...), which RabbitMQ would answer with a closed connection if
refused; they are bound nowhere and dropped. So the key publishes its own device's readings
over AMQP or MQTT and nothing else; monitoring's consumer checks that the payload names the
same device (docs/ARCHITECTURE.md, "Meter keys").

Real devices also subscribe (a Tasmota always does, to its commands), and RabbitMQ 3.10 closes
the connection of a refused SUBSCRIBE. So the key may subscribe, with MQTT client id
``meter-<device_id>``, to its own subtree and Tasmota's fallback topic: it may declare, bind
and consume only that client id's subscription queues, and read only those topics, where no
one but itself may write. It reads nothing it did not write. A key issued before gets these
permissions when issued again.

The broker is the only place the key lives: device_service keeps no copy or hash, and the
password is in the answer to the one request that made it. Issuing again sets a new password
and closes the user's open connections, so the old key stops at once; revoking deletes the
user and closes them too.

Settings: ``EMS_RABBITMQ_MANAGEMENT_URL`` (default ``http://<RABBITMQ_HOST>:15672``), the
operator identity ``RABBITMQ_ADMIN_USER``/``RABBITMQ_ADMIN_PASS`` to call it as, and what a
meter is told to connect to: ``EMS_METER_HOST`` (default ``RABBITMQ_HOST``),
``EMS_METER_AMQP_PORT`` (default ``RABBITMQ_PORT``), ``EMS_MQTT_PORT`` (default 1884, the local
stack's; compose sets its published port).
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from ems_common.exceptions import Unavailable
from ems_common.messaging.identities import OPERATOR
from ems_common.messaging.topology import (
    LOCAL_MQTT_PORT,
    METER_EXCHANGE,
    meter_routing_key,
    meter_subtree_pattern,
    meter_topic,
    meter_topic_prefix,
)
from ems_common.settings import env, env_int

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0
PASSWORD_BYTES = 24  # 32 URL-safe characters
MQTT_QOS = 1
CLOSE_REASON = "meter key rotated or revoked"


@dataclass(frozen=True)
class MeterKey:
    """What a meter needs to connect; ``password`` is known only here, once."""

    device_id: uuid.UUID
    username: str
    password: str
    host: str
    vhost: str
    amqp_port: int
    mqtt_port: int

    @property
    def mqtt_username(self) -> str:
        # The MQTT plugin picks the vhost from a "vhost:user" name (its default vhost is /).
        return self.username if self.vhost == "/" else f"{self.vhost}:{self.username}"

    def as_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "password": self.password,
            "amqp": {
                "host": self.host,
                "port": self.amqp_port,
                "vhost": self.vhost,
                "exchange": METER_EXCHANGE,
                "routing_key": meter_routing_key(self.device_id),
            },
            "mqtt": {
                "host": self.host,
                "port": self.mqtt_port,
                "username": self.mqtt_username,
                "topic": meter_topic(self.device_id),
                "topic_prefix": meter_topic_prefix(self.device_id),
                "client_id": self.username,
                "qos": MQTT_QOS,
            },
        }


def meter_username(device_id: uuid.UUID) -> str:
    """The key's broker user, and the MQTT client id its subscriptions are pinned to."""
    return f"meter-{device_id}"


def subscription_queues_pattern(device_id: uuid.UUID) -> str:
    """The queues RabbitMQ's MQTT plugin makes for the subscriptions of client id
    ``meter-<id>`` (``mqtt-subscription-<client id>qos0`` and ``qos1``): the only queues the
    key may declare, bind and consume."""
    return re.escape(f"mqtt-subscription-{meter_username(device_id)}qos") + "[01]"


def meter_subscription_pattern(device_id: uuid.UUID) -> str:
    """What the key may subscribe to: its own subtree (a Shelly's RPC and commands, a Tasmota's
    ``cmnd``), where only this key may write, and Tasmota's fallback command topic
    ``cmnd/<client id>_fb/#``. So it reads nothing but what it wrote itself."""
    fallback = re.escape(f"cmnd.{meter_username(device_id)}_fb.")
    return f"{meter_subtree_pattern(device_id)}|^{fallback}"


class BrokerAdmin:
    """The calls of RabbitMQ's management HTTP API that meter keys need."""

    def __init__(self, url: str | None = None, vhost: str | None = None) -> None:
        host = env("RABBITMQ_HOST", "127.0.0.1")
        self.url = (url or env("EMS_RABBITMQ_MANAGEMENT_URL", f"http://{host}:15672")).rstrip("/")
        self.vhost = vhost or env("RABBITMQ_VHOST", "/")
        self.session = requests.Session()
        self.session.auth = (OPERATOR.user(), OPERATOR.password())

    def _call(
        self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any
    ) -> requests.Response | None:
        """The answer; None for a 404 when ``missing_ok``; Unavailable for any other failure."""
        try:
            response = self.session.request(
                method, f"{self.url}/api/{path}", timeout=TIMEOUT_SECONDS, **kwargs
            )
        except requests.RequestException as exc:
            log.warning("RabbitMQ management API %s %s: %s", method, path, exc)
            raise Unavailable(
                "RabbitMQ's management API is unreachable; try again shortly.",
                "broker_unavailable",
            ) from None
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code >= 400:
            log.error(
                "RabbitMQ management API %s %s: %s %s",
                method,
                path,
                response.status_code,
                response.text[:300],
            )
            raise Unavailable(
                f"RabbitMQ's management API refused the change ({response.status_code}).",
                "broker_refused",
            )
        return response

    def put_meter_user(self, device_id: uuid.UUID, password: str) -> None:
        """Create or re-password the device's user, with its permissions (idempotent)."""
        user = quote(meter_username(device_id), safe="")
        vhost = quote(self.vhost, safe="")
        self._call("PUT", f"users/{user}", json={"password": password, "tags": ""})
        own_queues = subscription_queues_pattern(device_id)
        self._call(
            "PUT",
            f"permissions/{vhost}/{user}",
            json={
                "configure": f"^{own_queues}$",
                "write": f"^({re.escape(METER_EXCHANGE)}|{own_queues})$",
                "read": f"^({re.escape(METER_EXCHANGE)}|{own_queues})$",
            },
        )
        self._call(
            "PUT",
            f"topic-permissions/{vhost}/{user}",
            json={
                "exchange": METER_EXCHANGE,
                "write": meter_subtree_pattern(device_id),
                "read": meter_subscription_pattern(device_id),
            },
        )

    def delete_meter_user(self, device_id: uuid.UUID) -> bool:
        user = quote(meter_username(device_id), safe="")
        return self._call("DELETE", f"users/{user}", missing_ok=True) is not None

    def meter_user_exists(self, device_id: uuid.UUID) -> bool:
        user = quote(meter_username(device_id), safe="")
        return self._call("GET", f"users/{user}", missing_ok=True) is not None

    def close_connections(self, username: str) -> None:
        """Close every AMQP and MQTT connection of ``username``, at once.

        ``/connections/username/`` reads the broker's connection tracking, which knows a
        connection as soon as it is open (the plain connection list lags by the statistics
        interval, 5 s).
        """
        self._call(
            "DELETE",
            f"connections/username/{quote(username, safe='')}",
            missing_ok=True,  # none open
            headers={"X-Reason": CLOSE_REASON},
        )


def connection_details(device_id: uuid.UUID, password: str, vhost: str) -> MeterKey:
    host = env("RABBITMQ_HOST", "127.0.0.1")
    return MeterKey(
        device_id=device_id,
        username=meter_username(device_id),
        password=password,
        host=env("EMS_METER_HOST", host),
        vhost=vhost,
        amqp_port=env_int("EMS_METER_AMQP_PORT", env_int("RABBITMQ_PORT", 5672)),
        mqtt_port=env_int("EMS_MQTT_PORT", LOCAL_MQTT_PORT),
    )


def issue_key(device_id: uuid.UUID, admin: BrokerAdmin | None = None) -> MeterKey:
    """A new password for the device's meter (the first one, or a rotation)."""
    admin = admin or BrokerAdmin()
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    admin.put_meter_user(device_id, password)
    admin.close_connections(meter_username(device_id))
    log.info("meter key of device %s issued; connections with the old one closed", device_id)
    return connection_details(device_id, password, admin.vhost)


def revoke_key(device_id: uuid.UUID, admin: BrokerAdmin | None = None) -> bool:
    """Remove the device's meter user and close its connections; False if it had none."""
    admin = admin or BrokerAdmin()
    existed = admin.delete_meter_user(device_id)
    admin.close_connections(meter_username(device_id))
    log.info("meter key of device %s revoked and its connections closed", device_id)
    return existed
