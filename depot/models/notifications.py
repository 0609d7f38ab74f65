"""Mails to customers at each milestone, the texts an admin gave them, and transit days."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime
from depot.models.outbox import OutboxMessage


class Notification(db.Model):
    """One milestone mail of an RMA: who it went to and when. Its status is its outbox
    message's (queued, sent, failed); without a message the customer had no address
    (no_email), recorded so staff know to phone instead."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254), default="")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    message: Mapped[OutboxMessage | None] = relationship(lazy="joined")


class NotificationTemplate(db.Model):
    """An admin's text for one kind of mail in one language, over the catalogues' default."""

    __tablename__ = "notification_templates"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    lang: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(80))


class TransitDays(db.Model):
    """Days in transit an admin set for a region (a province's ISO code, abroad, unknown)."""

    __tablename__ = "transit_days"

    region: Mapped[str] = mapped_column(String(10), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(80))
