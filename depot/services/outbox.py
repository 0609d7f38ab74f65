"""The mail outbox: messages are stored with the change that caused them, then delivered.

A worker claims a message (pending/failed -> sending) in its own short transaction before it
talks to the mail server, so two workers, or a retry racing a send, never send one message
twice, and no database lock is held while the mail server thinks. A failure keeps the message
for `flask depot send-mail` to try again; a claim left behind by a crash is released after
STALE_CLAIM and tried again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from depot.mail import DeliveryError, deliver
from depot.models import OutboxMessage, Rma

MAX_ATTEMPTS = 10
STALE_CLAIM = timedelta(minutes=15)


@dataclass(frozen=True)
class MailSettings:
    sender: str
    smtp_url: str | None
    outbox_dir: Path


def enqueue(session: Session, message: EmailMessage, *, kind: str, rma: Rma | None,
            now: datetime) -> OutboxMessage:
    """Store a composed message in the caller's transaction (it is sent after the commit)."""
    row = OutboxMessage(message_id=str(message["Message-ID"]), kind=kind,
                        rma_id=rma.id if rma is not None else None,
                        sender=str(message["From"]), recipient=str(message["To"]),
                        subject=str(message["Subject"]), raw=bytes(message), status="pending",
                        attempts=0, created_at=now)
    session.add(row)
    return row


def deliver_pending(session: Session, settings: MailSettings, *, now: datetime,
                    limit: int = 50) -> tuple[int, int]:
    """Try every pending or failed message once. Returns (sent, failed)."""
    ready = or_(OutboxMessage.status.in_(("pending", "failed")),
                (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM))
    ids = session.scalars(select(OutboxMessage.id).where(ready,
                                                         OutboxMessage.attempts < MAX_ATTEMPTS)
                          .order_by(OutboxMessage.id).limit(limit)).all()
    session.commit()
    sent = failed = 0
    for message_id in ids:
        claimed = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, ready)
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        ).rowcount
        session.commit()
        if not claimed:
            continue  # another worker has it
        row = session.get(OutboxMessage, message_id)
        try:
            deliver(row.raw, sender=row.sender, recipients=[row.recipient],
                    smtp_url=settings.smtp_url, outbox_dir=settings.outbox_dir,
                    name=f"{now:%Y%m%d-%H%M%S}-{row.id:06d}-{row.kind}")
        except DeliveryError as exc:
            row.status, row.last_error = "failed", str(exc)[:2000]
            failed += 1
        else:
            row.status, row.sent_at, row.last_error = "sent", now, None
            sent += 1
        session.commit()
    return sent, failed
