"""Webhooks: which events there are, what a registration may hold, how a body is signed, what
an answer means, and when a delivery may be attempted (DESIGN.md 4b).

A delivery goes through the outbox like mail (channel `webhook`, see depot/domain/outbox.py
for its retries). Deliveries are in order per RMA and webhook: one is not attempted while an
earlier one of the same webhook and RMA is not delivered yet (waiting for its retry, being
sent, or given up on until an operator queues it again). Admins are trusted: any http(s)
address is taken, loopback and private networks included.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from depot.domain.syntax import BAD_IN_LINE

EVENTS = ("rma.status_changed", "rma.created", "quote.answered", "shipment.created",
          "complaint.created")
SCHEMES = ("http", "https")
URL_CAP = 2000
SECRET_MIN, SECRET_MAX = 16, 200
SNIPPET_CAP = 500  # of the receiver's answer, or of the error, kept with the delivery
SIGNATURE_PREFIX = "sha256="


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook's address (a code), or None when it can."""
    if not url or len(url) > URL_CAP:
        return "url_length"
    if BAD_IN_LINE.search(url) or any(c.isspace() for c in url):
        return "url_character"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port  # .port raises on a bad port
    except ValueError:
        return "url_form"
    if parts.scheme.lower() not in SCHEMES:
        return "url_scheme"
    if not parts.hostname or not port_ok:
        return "url_host"
    if parts.username is not None or parts.password is not None:
        return "url_credentials"  # the secret signs the body; no passwords in addresses
    return None


def events_problem(events: Sequence[str]) -> str | None:
    if not events:
        return "events_empty"
    if any(e not in EVENTS for e in events):
        return "unknown_event"
    return None


def secret_problem(secret: str) -> str | None:
    if len(secret) < SECRET_MIN or len(secret) > SECRET_MAX:
        return "secret_length"
    if BAD_IN_LINE.search(secret):
        return "secret_character"
    return None


def ordered_events(events: Iterable[str]) -> list[str]:
    """The events given, each once, in the order of EVENTS."""
    given = set(events)
    return [e for e in EVENTS if e in given]


def sign(body: bytes, secret: str) -> str:
    """The X-Depot-Signature of `body`: sha256=<hex HMAC-SHA256 with the secret>."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verified(body: bytes, signature: str, secret: str) -> bool:
    """What a receiver checks (the OpenAPI document shows the same few lines)."""
    return hmac.compare_digest(sign(body, secret), signature)


def delivered(status_code: int) -> bool:
    """A 2xx answer is delivered; anything else (a redirect too) is tried again."""
    return 200 <= status_code < 300


@dataclass(frozen=True)
class Queued:
    """A delivery as the ordering rule sees it: its place in the queue (id), its webhook and
    RMA (None for a complaint without one), whether it was delivered, and whether it is due."""

    id: int
    webhook: int
    rma: int | None
    delivered: bool
    due: bool = True


def may_attempt(item: Queued, queue: Iterable[Queued]) -> bool:
    """Whether `item` may be attempted now: it is due, not delivered, and nothing earlier of
    the same webhook and RMA is still undelivered."""
    if item.delivered or not item.due:
        return False
    if item.rma is None:
        return True
    return not any(q.id < item.id and q.webhook == item.webhook and q.rma == item.rma
                   and not q.delivered for q in queue)
