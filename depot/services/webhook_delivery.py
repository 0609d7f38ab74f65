"""A webhook delivery's HTTP POST, made by the outbox worker (depot.services.outbox), never in a
request: the body as it was queued, signed with the webhook's secret, sent with a timeout
(DEPOT_WEBHOOK_TIMEOUT, for the connection and for the answer). A 2xx answer is delivered;
any other status, a redirect, a timeout or a refused connection is a failed attempt that the
outbox tries again later. The receiver's last status and the first words of its answer (or
the error) are kept with the delivery, for the admin to see.

The address and the secret are read when the attempt is made, so an admin who fixes a wrong
address sees the waiting deliveries go to the new one.
"""
from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from depot.domain.syntax import BAD_IN_LINES
from depot.domain.webhooks import SNIPPET_CAP, delivered, sign
from depot.models import OutboxMessage, Webhook, WebhookDelivery

log = logging.getLogger(__name__)

USER_AGENT = "Depot-Webhooks/1"


class WebhookFailure(Exception):
    """The receiver did not take the delivery: `status` its HTTP status (None: no answer)."""

    def __init__(self, status: int | None, snippet: str) -> None:
        self.status, self.snippet = status, snippet
        super().__init__(f"HTTP {status}: {snippet}" if status is not None else snippet)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx one: not followed (a POST's body would
    be dropped on the way, and the address is the admin's to fix)."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def snippet(data: bytes | str) -> str:
    """The first words of an answer or an error, storable anywhere (no NUL, no controls)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return BAD_IN_LINES.sub(" ", text).strip()[:SNIPPET_CAP]


def post(url: str, body: bytes, *, secret: str, event: str, delivery_id: str,
         timeout: float) -> tuple[int, str]:
    """POST `body`; (status, snippet) of a 2xx answer. Raises WebhookFailure otherwise."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Depot-Signature": sign(body, secret), "X-Depot-Event": event,
        "X-Depot-Delivery": delivery_id})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            status, text = answer.status, answer.read(SNIPPET_CAP * 4)
    except urllib.error.HTTPError as exc:  # a status the opener does not take: 3xx, 4xx, 5xx
        try:
            text = exc.read(SNIPPET_CAP * 4)
        except (OSError, http.client.HTTPException):
            text = b""
        finally:
            exc.close()
        raise WebhookFailure(exc.code, snippet(text or str(exc.reason))) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:  # timeout, refused, …
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise WebhookFailure(None, snippet(f"{type(reason).__name__}: {reason}")) from None
    if not delivered(status):  # 1xx answers never get here; anything else 2xx is taken
        raise WebhookFailure(status, snippet(text))
    return status, snippet(text)


def send(session: Session, outbox_id: int, body: bytes, *, timeout: float, now: datetime
         ) -> None:
    """One attempt of the delivery whose outbox message is `outbox_id` (claimed already)."""
    target = session.execute(
        select(Webhook.url, Webhook.secret, WebhookDelivery.event, OutboxMessage.message_id)
        .join(WebhookDelivery, WebhookDelivery.webhook_id == Webhook.id)
        .join(OutboxMessage, OutboxMessage.id == WebhookDelivery.outbox_id)
        .where(WebhookDelivery.outbox_id == outbox_id)).one()
    session.commit()  # no transaction stays open while the receiver thinks
    try:
        status, text = post(target.url, body, secret=target.secret, event=target.event,
                            delivery_id=target.message_id, timeout=timeout)
    except WebhookFailure as failure:
        _answer(session, outbox_id, failure.status, failure.snippet, now)
        raise
    _answer(session, outbox_id, status, text, now)


def _answer(session: Session, outbox_id: int, status: int | None, text: str,
            now: datetime) -> None:
    session.execute(update(WebhookDelivery).where(WebhookDelivery.outbox_id == outbox_id)
                    .values(response_status=status, response_snippet=text, answered_at=now)
                    .execution_options(synchronize_session=False))
    session.commit()
