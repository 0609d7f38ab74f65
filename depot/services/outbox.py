"""The outbox: messages are stored with the change that caused them, and delivered later by the
outbox worker (depot/worker.py), never inside a request.

A sender claims a message (pending -> sending) in its own short transaction before it talks to
the other side, so two senders (threads, processes, machines), or a retry racing a send, never
hand one message over twice, and no database lock is held while the mail server thinks. The
claim is a compare-and-set on the attempt count: it succeeds only if the row is still due and
nobody claimed it since it was read, and the outcome is written only while that claim still
holds. A failed attempt waits 1, 2, 4, … minutes before the next (next_attempt_at); after
MAX_ATTEMPTS the message is `failed` for good, with its last error. A claim left behind by a
sender that died is claimed again after STALE_CLAIM, a little more than a whole SMTP exchange
may take with DEPOT_SMTP_TIMEOUT per step.

Each message has a channel; delivery dispatches on it (SENDERS) and each channel has its own
retries (depot.domain.outbox.RETRIES). Webhooks (channel `webhook`: a signed HTTP POST, see
depot.services.webhook_delivery) are delivered in order per RMA and webhook: a delivery is
neither picked nor claimed while an earlier one of the same webhook and RMA is not sent, and
not while its webhook is switched off.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import and_, event, exists, false, or_, select, update
from sqlalchemy.orm import Session, aliased

from depot.domain.outbox import (
    MAX_ATTEMPTS,
    OUTBOX,
    RETRIES,
    Channel,
    OutboxAction,
    OutboxStatus,
    after_failure,
    claimable,
)
from depot.mail import deliver
from depot.models import OutboxMessage, Rma, Webhook, WebhookDelivery
from depot.services import webhook_delivery

__all__ = ["MAX_ATTEMPTS", "STALE_CLAIM", "Delivered", "MailSettings", "deliver_pending",
           "enqueue", "enqueue_post", "install_doorbell", "listen", "retry_failed", "unlisten"]

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=2)
S, A = OutboxStatus, OutboxAction
Clock = Callable[[], datetime]
assert claimable() == [S.PENDING, S.SENDING]  # _due() below has one condition for each


@dataclass(frozen=True)
class MailSettings:
    sender: str
    smtp_url: str | None
    outbox_dir: Path
    timeout: float = 10.0  # seconds for the SMTP connection and for each command
    webhook_timeout: float = 5.0  # seconds for a webhook's connection and for its answer


@dataclass(frozen=True)
class Delivered:
    """One pass: messages handed over, attempts that failed, and how many were due."""

    sent: int
    failed: int
    due: int


@dataclass(frozen=True)
class _Envelope:
    id: int
    channel: Channel
    kind: str
    sender: str
    recipient: str
    raw: bytes


def _send_email(item: _Envelope, settings: MailSettings, *, now: datetime,
                session: Session | None = None) -> None:
    deliver(item.raw, sender=item.sender, recipients=[item.recipient],
            smtp_url=settings.smtp_url, outbox_dir=settings.outbox_dir,
            name=f"{now:%Y%m%d-%H%M%S}-{item.id:06d}-{item.kind}", timeout=settings.timeout)


def _send_webhook(item: _Envelope, settings: MailSettings, *, now: datetime,
                  session: Session) -> None:
    webhook_delivery.send(session, item.id, item.raw, timeout=settings.webhook_timeout, now=now)


SENDERS: dict[Channel, Callable[..., None]] = {Channel.EMAIL: _send_email,
                                               Channel.WEBHOOK: _send_webhook}

_QUEUED = "depot.outbox.queued"


def enqueue(session: Session, message: EmailMessage, *, kind: str, rma: Rma | None,
            now: datetime) -> OutboxMessage:
    """Store a composed message in the caller's transaction; it goes out after the commit (the
    commit rings this process's delivery loops, see install_doorbell)."""
    row = OutboxMessage(message_id=str(message["Message-ID"]), kind=kind, channel=Channel.EMAIL,
                        rma_id=rma.id if rma is not None else None,
                        sender=str(message["From"]), recipient=str(message["To"]),
                        subject=str(message["Subject"]), raw=bytes(message),
                        status=OUTBOX.next_status(None, A.QUEUE), attempts=0,
                        next_attempt_at=now, created_at=now)
    session.add(row)
    session.info[_QUEUED] = True
    return row


def enqueue_post(session: Session, body: bytes, *, message_id: str, kind: str,
                 recipient: str, rma: Rma | None, now: datetime) -> OutboxMessage:
    """Store a webhook's body in the caller's transaction (depot.services.webhooks)."""
    row = OutboxMessage(message_id=message_id, kind=kind, channel=Channel.WEBHOOK,
                        rma_id=rma.id if rma is not None else None, sender="depot",
                        recipient=recipient[:254], subject=kind, raw=body,
                        status=OUTBOX.next_status(None, A.QUEUE), attempts=0,
                        next_attempt_at=now, created_at=now)
    session.add(row)
    session.info[_QUEUED] = True
    return row


def _due(now: datetime, table=OutboxMessage):
    """Rows a sender may claim at `now`: pending and past their wait, or a stale claim."""
    return or_(and_(table.status == S.PENDING, table.next_attempt_at <= now),
               and_(table.status == S.SENDING, table.claimed_at < now - STALE_CLAIM))


def _attempts_left():
    """Of a channel this version can send, with an attempt left."""
    return or_(*[and_(OutboxMessage.channel == channel,
                      OutboxMessage.attempts < RETRIES[channel].max_attempts)
                 for channel in SENDERS])


def _held_back(now: datetime | None):
    """A webhook's delivery that must wait: its webhook is switched off, or an earlier one of
    the same webhook and RMA is not sent (with `now`: and will not be tried at `now` either,
    so it cannot be sent earlier in the same pass)."""
    mine, theirs, earlier = (aliased(WebhookDelivery), aliased(WebhookDelivery),
                             aliased(OutboxMessage))
    waiting = [earlier.status != S.SENT]
    if now is not None:
        waiting.append(~_due(now, earlier))
    switched_off = exists().where(mine.outbox_id == OutboxMessage.id,
                                  Webhook.id == mine.webhook_id, Webhook.active == false())
    behind = exists().where(mine.outbox_id == OutboxMessage.id,
                            theirs.webhook_id == mine.webhook_id,
                            theirs.rma_id == mine.rma_id,
                            theirs.outbox_id < OutboxMessage.id,
                            earlier.id == theirs.outbox_id, *waiting)
    return and_(OutboxMessage.channel == Channel.WEBHOOK, or_(switched_off, behind))


def deliver_pending(session: Session, settings: MailSettings, *, clock: Clock,
                    limit: int = 50) -> Delivered:
    """Try each due message once, oldest first. Takes a clock, not a `now`: a pass may last
    longer than a claim stays fresh (a slow relay, many messages), so each claim and each
    outcome is stamped with the time it happens."""
    now = clock()
    _give_up_abandoned(session, now)
    candidates = session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(_due(now), _attempts_left(), ~_held_back(now))
        .order_by(OutboxMessage.id).limit(limit)).all()
    session.commit()
    sent = failed = 0
    for message_id, seen_attempts in candidates:
        item = _claim(session, message_id, seen_attempts, now=clock())
        if item is None:
            continue  # another sender has it
        attempt = seen_attempts + 1
        try:
            SENDERS[item.channel](item, settings, now=clock(), session=session)
        except Exception as exc:  # any failure is this message's (a bad address…), not the loop's
            session.rollback()
            failed += 1
            _record_failure(session, message_id, attempt, f"{type(exc).__name__}: {exc}",
                            now=clock(), channel=item.channel)
        else:
            sent += 1
            _record(session, message_id, attempt, A.DELIVER,
                    {"sent_at": clock(), "last_error": None})
    return Delivered(sent, failed, len(candidates))


def _claim(session: Session, message_id: int, seen_attempts: int, *, now: datetime
           ) -> _Envelope | None:
    """Claim one message if it is still due and nobody claimed it since we looked; read what
    is needed to send it and end the transaction, so no lock is held while sending."""
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.attempts == seen_attempts,
               _due(now), ~_held_back(None))
        .values(status=S.SENDING, claimed_at=now, attempts=seen_attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        session.commit()
        return None
    row = session.execute(
        select(OutboxMessage.channel, OutboxMessage.kind, OutboxMessage.sender,
               OutboxMessage.recipient, OutboxMessage.raw)
        .where(OutboxMessage.id == message_id)).one()
    session.commit()
    return _Envelope(message_id, Channel(row.channel), row.kind, row.sender, row.recipient,
                     row.raw)


def _record_failure(session: Session, message_id: int, attempt: int, error: str, *,
                    now: datetime, channel: Channel = Channel.EMAIL) -> None:
    action, wait = after_failure(attempt, channel)
    values: dict[str, object] = {"last_error": error[:2000]}
    if wait is not None:
        values["next_attempt_at"] = now + wait
    log.warning("outbox message %s, attempt %s: %s (%s)", message_id, attempt, error,
                "tries again later" if wait is not None else "given up")
    _record(session, message_id, attempt, action, values)


def _record(session: Session, message_id: int, attempt: int, action: OutboxAction,
            values: dict[str, object]) -> None:
    """Write an attempt's outcome, only while our claim still holds (a sender slower than
    STALE_CLAIM has lost it to another, whose outcome counts)."""
    status = OUTBOX.next_status(S.SENDING, action)
    written = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == S.SENDING,
               OutboxMessage.attempts == attempt)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if not written:
        log.warning("outbox message %s: claim %s was taken over before it ended", message_id,
                    attempt)


def _give_up_abandoned(session: Session, now: datetime) -> None:
    """A stale claim with no attempt left: its sender died on the last try."""
    out_of_attempts = or_(*[and_(OutboxMessage.channel == channel,
                                 OutboxMessage.attempts >= retries.max_attempts)
                            for channel, retries in RETRIES.items()])
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == S.SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM,
               out_of_attempts)
        .values(status=OUTBOX.next_status(S.SENDING, A.GIVE_UP),
                last_error="the last attempt was abandoned (its sender stopped)")
        .execution_options(synchronize_session=False))
    session.commit()


def retry_failed(session: Session, *, now: datetime) -> int:
    """Queue every message that was given up on again, with all its attempts. Returns how
    many (for an operator after a long outage of the relay)."""
    count = session.execute(
        update(OutboxMessage).where(OutboxMessage.status == S.FAILED)
        .values(status=OUTBOX.next_status(S.FAILED, A.REQUEUE), attempts=0,
                next_attempt_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return count


# The doorbell: a commit that queued messages wakes the delivery loops of this process at once;
# loops in other processes find the message on their next poll.
_bells: set[threading.Event] = set()
_bells_lock = threading.Lock()


def listen(bell: threading.Event) -> None:
    with _bells_lock:
        _bells.add(bell)


def unlisten(bell: threading.Event) -> None:
    with _bells_lock:
        _bells.discard(bell)


def _ring_if_queued(session: Session) -> None:
    if session.info.pop(_QUEUED, False):
        with _bells_lock:
            for bell in _bells:
                bell.set()


def _forget_queued(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def install_doorbell() -> None:
    """Ring after every commit that queued a message (once per process; the wiring calls it)."""
    if not event.contains(Session, "after_commit", _ring_if_queued):
        event.listen(Session, "after_commit", _ring_if_queued)
        event.listen(Session, "after_rollback", _forget_queued)
