"""Compose's RabbitMQ start script, from ems_common/messaging/identities.py and a template.

``deploy/rabbitmq/init.sh`` runs before RabbitMQ's own entrypoint in the ``rabbitmq`` container:
it writes the definitions document of ``identities.definitions()`` (the three users, their
passwords from the container's environment, the vhost and the permissions) and the setting
that makes RabbitMQ import it at every boot, then starts the server. The document is the one
`make up` imports with rabbitmqctl, so compose and the local stack grant the same permissions.
The rabbitmq image has no Python, hence a shell script; tests/deploy runs it and compares.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from services import ROOT, fill_template

from ems_common.messaging import identities

INIT_SCRIPT = ROOT / "deploy" / "rabbitmq" / "init.sh"
VHOST_ENV = "RABBITMQ_VHOST"
SECRETS = [identity.password_env for identity in identities.IDENTITIES]
VARIABLES = [
    VHOST_ENV,
    *(name for i in identities.IDENTITIES for name in (i.user_env, i.password_env)),
]
PLACEHOLDER = re.compile(r"@@(\w+)@@")


def heredoc_text(text: str) -> str:
    """``text`` inside an unquoted here-document: literal, except the placeholders."""
    escaped = text.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")
    return PLACEHOLDER.sub(lambda match: f"${{json_{match.group(1)}}}", escaped)


def init_script() -> str:
    placeholders = {name: f"@@{name}@@" for name in VARIABLES}
    document = identities.definitions(placeholders, placeholders[VHOST_ENV])
    # All but the vhost, which defaults to /.
    checks = [f': "${{{name}:?set {name} (docs/DEPLOYMENT.md)}}"' for name in VARIABLES[1:]]
    users = [identity.user_env for identity in identities.IDENTITIES]
    for first, second in itertools.combinations(users, 2):  # as identities.definitions() does
        checks.append(
            f'[ "${first}" != "${second}" ] || {{ echo "init.sh: {first} and {second} '
            f'name the same user; each RabbitMQ identity needs its own" >&2; exit 1; }}'
        )
    json_values = [f'json_{VHOST_ENV}=$(json "${{{VHOST_ENV}:-/}}")']
    json_values += [f'json_{name}=$(json "${name}")' for name in VARIABLES[1:]]
    values = {
        "checks": "\n".join(checks),
        "json_values": "\n".join(json_values),
        "definitions": heredoc_text(json.dumps(document, indent=2)),
        "secrets": " ".join(SECRETS),
    }
    return fill_template(INIT_SCRIPT.with_suffix(".sh.template"), values)


def rendered_files() -> dict[Path, str]:
    return {INIT_SCRIPT: init_script()}
