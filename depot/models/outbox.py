"""Messages waiting to go out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from depot.extensions import db
from depot.models.base import UTCDateTime


class OutboxMessage(db.Model):
    """Every outgoing message, kept until delivered: failures are retried with a growing wait,
    never lost, never handed over by two senders at once (see depot/domain/outbox.py)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20), server_default="email")  # Channel
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("rmas.id"), index=True)
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # OutboxStatus
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())  # not before: the backoff
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # claims so far
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
