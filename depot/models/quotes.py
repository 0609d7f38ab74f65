"""Quotes, their lines, and the payments made against them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.rmas import Rma
    from depot.models.users import User


class Quote(db.Model):
    """A version of the non-warranty repair quote. A new version supersedes the old one."""

    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("rma_id", "version"),
                      Index("ix_quotes_sent_at", "sent_at"),
                      Index("ix_quotes_answered_at", "answered_at", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # a domain.quotes.QuoteStatus
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0"))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    valid_until: Mapped[date] = mapped_column(Date)
    token_nonce: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_via: Mapped[str | None] = mapped_column(String(20))  # link, phone, fax, email
    answer_ip: Mapped[str | None] = mapped_column(String(64))
    answer_user_agent: Mapped[str | None] = mapped_column(String(500))
    answer_comment: Mapped[str | None] = mapped_column(Text)
    answer_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))

    rma: Mapped[Rma] = relationship(back_populates="quotes")
    lines: Mapped[list[QuoteLineRow]] = relationship(
        back_populates="quote", order_by="QuoteLineRow.position", cascade="all, delete-orphan")
    events: Mapped[list[QuoteEvent]] = relationship(  # append-only, as Rma.events
        back_populates="quote", order_by="QuoteEvent.id", cascade="save-update, merge",
        passive_deletes="all")


class QuoteEvent(db.Model):
    """One row per change of a quote version's status: who, when, from, to, why, from where.
    Rows are only ever added."""

    __tablename__ = "quote_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))
    via: Mapped[str | None] = mapped_column(String(20))

    quote: Mapped[Quote] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class QuoteLineRow(db.Model):
    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    quote: Mapped[Quote] = relationship(back_populates="lines")


class Payment(db.Model):
    """Money received for an RMA: remittance reference and, often, a photo of the slip."""

    __tablename__ = "payments"
    # revenue of a period (not the voided payments) from the index alone (migration 0015)
    __table_args__ = (Index("ix_payments_received_at", "received_at", "currency", "amount",
                            "voided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(String(200), default="")
    slip_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The part of this payment above what was asked for when it was received (accepted by a
    # supervisor): a credit to refund to the customer.
    credit: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"),
                                            server_default="0")
    # A payment recorded by mistake is voided by a supervisor with a reason, never deleted:
    # it no longer counts towards what was paid.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(String(1000))
