"""SQLAlchemy 2 typed models. Rules live in depot/domain; these hold the facts."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Depot stores aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled user cannot log in
        return self.active


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    key_account: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProductModel(db.Model):
    __tablename__ = "product_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    warranty_months: Mapped[int] = mapped_column(Integer, default=12)
    serial_pattern: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Attachment(db.Model):
    """Uploaded photos and documents live in the database, so app servers keep no state."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # intake_photo, proof_of_purchase, ...
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("rmas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    rma: Mapped[Rma | None] = relationship(foreign_keys=[rma_id])


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(80), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    purchase_date: Mapped[date | None] = mapped_column(Date)
    extended_months: Mapped[int] = mapped_column(Integer, default=0)
    proof_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    model: Mapped[ProductModel] = relationship(lazy="joined")
    customer: Mapped[Customer | None] = relationship(lazy="joined")
    rmas: Mapped[list[Rma]] = relationship(
        back_populates="unit", order_by="Rma.id", foreign_keys="Rma.unit_id"
    )


class RmaCounter(db.Model):
    """Last RMA number handed out per year; locked while a number is taken, so none is skipped."""

    __tablename__ = "rma_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Rma(db.Model):
    __tablename__ = "rmas"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    fault_description: Mapped[str] = mapped_column(Text, default="")
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_on: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    warranty_status: Mapped[str] = mapped_column(String(20))
    warranty_starts_on: Mapped[date | None] = mapped_column(Date)
    warranty_ends_on: Mapped[date | None] = mapped_column(Date)
    warranty_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    damage_class: Mapped[str | None] = mapped_column(String(20))
    covered: Mapped[bool | None] = mapped_column(Boolean)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    findings: Mapped[list[str]] = mapped_column(JSON, default=list)
    inspection_notes: Mapped[str] = mapped_column(Text, default="")
    damage_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    coverage_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    paused_since: Mapped[date | None] = mapped_column(Date)
    paused_working_days: Mapped[int] = mapped_column(Integer, default=0)
    shipped_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(back_populates="rmas", lazy="joined", foreign_keys=[unit_id])
    technician: Mapped[User | None] = relationship(foreign_keys=[technician_id], lazy="joined")
    part_uses: Mapped[list[PartUse]] = relationship(back_populates="rma", order_by="PartUse.id")
    quotes: Mapped[list[Quote]] = relationship(back_populates="rma", order_by="Quote.version")
    payments: Mapped[list[Payment]] = relationship(order_by="Payment.id")
    shipment: Mapped[Shipment | None] = relationship(uselist=False)
    events: Mapped[list[RmaEvent]] = relationship(
        back_populates="rma", order_by="RmaEvent.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.rma_id == Rma.id, Attachment.kind == 'intake_photo')",
        viewonly=True,
        order_by="Attachment.id",
    )
    evidence: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.rma_id == Rma.id, Attachment.kind == 'evidence_photo')",
        viewonly=True,
        order_by="Attachment.id",
    )


class RmaEvent(db.Model):
    """One row per change of an RMA: who, when, from, to, why."""

    __tablename__ = "rma_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)

    rma: Mapped[Rma] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class FindingCode(db.Model):
    """The inspection catalogue, admin-editable. Retired codes stay readable on old RMAs."""

    __tablename__ = "finding_codes"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    damage_class: Mapped[str] = mapped_column(String(20))
    label_zh: Mapped[str] = mapped_column(String(200))
    label_zh_tw: Mapped[str] = mapped_column(String(200), default="")
    label_en: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Part(db.Model):
    """A spare part: charged at cost, counted in stock."""

    __tablename__ = "parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_number: Mapped[str] = mapped_column(String(80), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    cost_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    model_codes: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: fits every model
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartUse(db.Model):
    """Parts a technician used on an RMA, at the cost price of that day."""

    __tablename__ = "part_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    rma: Mapped[Rma] = relationship(back_populates="part_uses")
    part: Mapped[Part] = relationship(lazy="joined")


class CalendarOverride(db.Model):
    """A day the admin declares working or not, for years the holidays package does not know."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")


class Quote(db.Model):
    """A version of the non-warranty repair quote. A new version supersedes the old one."""

    __tablename__ = "quotes"
    __table_args__ = (UniqueConstraint("rma_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # draft sent approved declined superseded expired
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

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(String(200), default="")
    slip_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(db.Model):
    """Every email, kept until delivered: failures are retried, never lost, never sent twice."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("rmas.id"), index=True)
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending sending sent failed
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Shipment(db.Model):
    """The box that went back: what was scanned into it, what was packed, what was missing."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), unique=True)
    carrier: Mapped[str] = mapped_column(String(50))
    tracking_number: Mapped[str] = mapped_column(String(60), index=True)
    freight: Mapped[str] = mapped_column(String(10))  # prepaid, collect
    scanned: Mapped[list[str]] = mapped_column(JSON, default=list)
    packed: Mapped[list[str]] = mapped_column(JSON, default=list)
    missing: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Printer(db.Model):
    """A ZPL label printer on the network (raw TCP, port 9100), named per packing station."""

    __tablename__ = "printers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=9100)
    label_size: Mapped[str] = mapped_column(String(10), default="4x6")
