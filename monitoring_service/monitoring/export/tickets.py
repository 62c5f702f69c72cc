"""Signed download tickets: an export link a browser can follow without the bearer token.

A ticket (django.core.signing, salted) names its caller as their access token did (``sub``,
``username``, ``role``, ``ver``), a hash of the exact export query it was made for and an id.
It is good for TICKET_SECONDS and for one download: the first use records its id
(``ExportTicketUse``, shared by every worker), a second one is refused. The caller's session is
checked as a token's is (ems_common.sessions), so a ticket of an account that has since changed
or been deleted no longer works.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction

from ems_common.exceptions import NotAuthenticated
from monitoring.models import ExportTicketUse

SALT = "monitoring.export.ticket"
TICKET_SECONDS = 60
CLAIMS = ("sub", "username", "role", "ver")


@dataclass(frozen=True)
class Ticket:
    claims: dict[str, Any]  # as an access token's: sub, username, role, ver
    query_hash: str
    id: str

    def is_for(self, query: str) -> bool:
        return self.query_hash == query_hash(query)


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:32]


def issue_ticket(claims: Mapping[str, Any], query: str) -> tuple[str, datetime]:
    """A ticket for the caller of ``claims`` and the export ``query``, and when it expires."""
    payload = {
        **{name: claims[name] for name in CLAIMS},
        "q": query_hash(query),
        "id": uuid.uuid4().hex,
    }
    expires = datetime.now(UTC) + timedelta(seconds=TICKET_SECONDS)
    return signing.dumps(payload, salt=SALT, compress=True), expires


def open_ticket(text: str) -> Ticket:
    """The ticket ``text`` carries; NotAuthenticated if it is altered or expired."""
    try:
        payload = signing.loads(text, salt=SALT, max_age=TICKET_SECONDS)
    except signing.SignatureExpired:
        raise NotAuthenticated(
            "This download link has expired: ask for a new one.", "ticket_expired"
        ) from None
    except signing.BadSignature:
        raise NotAuthenticated("This download link is invalid.", "ticket_invalid") from None
    return Ticket({name: payload[name] for name in CLAIMS}, payload["q"], payload["id"])


def spend_ticket(ticket: Ticket) -> None:
    """Record the ticket's one use; NotAuthenticated if it was used already."""
    now = datetime.now(UTC)
    ExportTicketUse.objects.filter(valid_until__lt=now).delete()  # past any ticket's lifetime
    try:
        with transaction.atomic():
            ExportTicketUse.objects.create(
                id=ticket.id, valid_until=now + timedelta(seconds=TICKET_SECONDS)
            )
    except IntegrityError:
        raise NotAuthenticated(
            "This download link was used already: ask for a new one.", "ticket_used"
        ) from None
