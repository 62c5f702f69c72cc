"""Who may log in to RabbitMQ as what: the services, an operator, and meters.

Three identities, each from its own pair of variables (local defaults in .env.example):

- the services (``RABBITMQ_USER`` / ``RABBITMQ_PASS``): everything on the EMS vhost, no tag, so
  no management UI, no other vhost, no users;
- an operator (``RABBITMQ_ADMIN_USER`` / ``RABBITMQ_ADMIN_PASS``): tag ``administrator`` for the
  management UI (queues, dead letters), held by people only;
- meters and the simulator (``RABBITMQ_METER_USER`` / ``RABBITMQ_METER_PASS``): may write to
  the readings exchange and nothing else: configure, read and every other exchange refused.
  One identity shared by every meter, for the local demo; real meters get a key of their own
  (device_service's ``devices/meter_keys.py``), and under compose monitoring dead-letters what
  comes through ``ems.readings``.

``definitions()`` is the RabbitMQ definitions document granting them one vhost. `make up` and
the test runs import it with ``rabbitmqctl import_definitions`` (scripts/infra.py); compose's
RabbitMQ imports the same document at boot (deploy/rabbitmq/init.sh, generated from it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ems_common.messaging.topology import READINGS_EXCHANGE
from ems_common.settings import BrokerConfig

NOTHING = "^$"  # a RabbitMQ permission pattern no resource name matches
EVERYTHING = ".*"


@dataclass(frozen=True)
class Identity:
    role: str
    user_env: str
    password_env: str
    default_user: str
    default_password: str
    tags: tuple[str, ...]
    configure: str
    write: str
    read: str

    def user(self, env: Mapping[str, str] | None = None) -> str:
        return (os.environ if env is None else env).get(self.user_env) or self.default_user

    def password(self, env: Mapping[str, str] | None = None) -> str:
        source = os.environ if env is None else env
        value = source.get(self.password_env)
        return self.default_password if value is None else value

    def broker_config(self, env: Mapping[str, str] | None = None) -> BrokerConfig:
        """Where and as whom this identity connects (host, port and vhost as the services')."""
        source = os.environ if env is None else env
        return BrokerConfig(
            host=source.get("RABBITMQ_HOST") or "127.0.0.1",
            port=int(source.get("RABBITMQ_PORT") or 5672),
            user=self.user(source),
            password=self.password(source),
            vhost=source.get("RABBITMQ_VHOST") or "/",
        )


SERVICES = Identity(
    "services", "RABBITMQ_USER", "RABBITMQ_PASS", "ems", "ems", (),
    EVERYTHING, EVERYTHING, EVERYTHING,
)  # fmt: skip
OPERATOR = Identity(
    "operator", "RABBITMQ_ADMIN_USER", "RABBITMQ_ADMIN_PASS", "ems-admin", "ems-admin",
    ("administrator",), EVERYTHING, EVERYTHING, EVERYTHING,
)  # fmt: skip
METER = Identity(
    "meter", "RABBITMQ_METER_USER", "RABBITMQ_METER_PASS", "ems-meter", "ems-meter", (),
    NOTHING, f"^{re.escape(READINGS_EXCHANGE)}$", NOTHING,
)  # fmt: skip
IDENTITIES = (SERVICES, OPERATOR, METER)


class IdentityError(ValueError):
    """The configured identities cannot work (the same user name for two roles)."""


def definitions(env: Mapping[str, str] | None = None, vhost: str | None = None) -> dict[str, Any]:
    """Users, the vhost and each user's permissions on it, as ``import_definitions`` reads them.

    Importing it again is harmless: users get the configured password and tags again.
    """
    source = os.environ if env is None else env
    vhost = vhost or source.get("RABBITMQ_VHOST") or "/"
    users = [identity.user(source) for identity in IDENTITIES]
    if len(set(users)) != len(users):
        roles = ", ".join(f"{i.user_env}={i.user(source)}" for i in IDENTITIES)
        raise IdentityError(f"each RabbitMQ identity needs a user name of its own: {roles}")
    return {
        "users": [
            {"name": i.user(source), "password": i.password(source), "tags": list(i.tags)}
            for i in IDENTITIES
        ],
        "vhosts": [{"name": vhost}],
        "permissions": [
            {
                "user": i.user(source),
                "vhost": vhost,
                "configure": i.configure,
                "write": i.write,
                "read": i.read,
            }
            for i in IDENTITIES
        ],
    }
