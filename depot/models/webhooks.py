"""Webhooks an admin registered, and each delivery of an event to one of them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime
from depot.models.outbox import OutboxMessage

if TYPE_CHECKING:
    from depot.models.complaints import Complaint
    from depot.models.rmas import Rma


class Webhook(db.Model):
    """An address that gets the events it is subscribed to, signed with its secret."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(200))  # kept: every body is signed with it
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDelivery(db.Model):
    """One event for one webhook: its outbox message holds the body, the status and the
    retries; this row what it was about and what the receiver answered last."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # the ordering rule looks for earlier deliveries of the same webhook and RMA
        Index("ix_webhook_deliveries_webhook_rma", "webhook_id", "rma_id", "outbox_id"),
    )

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True,
                                           autoincrement=False)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    event: Mapped[str] = mapped_column(String(40))
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("rmas.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    response_status: Mapped[int | None] = mapped_column(Integer)  # the last HTTP status
    response_snippet: Mapped[str | None] = mapped_column(Text)  # its first words, or the error
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    message: Mapped[OutboxMessage] = relationship(lazy="joined")
    webhook: Mapped[Webhook] = relationship()
    rma: Mapped[Rma | None] = relationship()
    complaint: Mapped[Complaint | None] = relationship()
