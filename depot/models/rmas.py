"""RMAs, their numbering, their events and their attachments."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.bench import PartUse
    from depot.models.cartons import Carton
    from depot.models.exchanges import Exchange
    from depot.models.notifications import Notification
    from depot.models.complaints import Complaint, Survey
    from depot.models.quotes import Payment, Quote
    from depot.models.shipping import Shipment
    from depot.models.units import Unit
    from depot.models.users import User


class RmaCounter(db.Model):
    """Last RMA number handed out per year; locked while a number is taken, so none is skipped."""

    __tablename__ = "rma_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Rma(db.Model):
    __tablename__ = "rmas"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        # The reports count over these without reading the table (services/reports.py).
        Index("ix_rmas_received_on_warranty", "received_on", "warranty_status", "unit_id", "id"),
        Index("ix_rmas_unit_history", "unit_id", "id", "shipped_on"),
        Index("ix_rmas_inspection", "id", "damage_class", "unit_id"),
        # the RMAs first inspected in a period: their class and unit from the index alone
        Index("ix_rmas_inspected_on", "inspected_on", "damage_class", "unit_id",
              postgresql_include=["findings"]),  # PostgreSQL: top findings from the index
        # repeat repairs: received in a period, the unit's previous RMA shipped not long before
        Index("ix_rmas_received_repeat", "received_on", "previous_shipped_on"),
        # the dashboard: open RMAs overdue or due today, and how long the customer is deciding
        Index("ix_rmas_status_due", "status", "due_on"),
        Index("ix_rmas_status_paused", "status", "paused_since"),
        # a unit's RMAs, whether open and late, from the index (the dashboard's key accounts)
        Index("ix_rmas_unit_open", "unit_id", "status", "due_on"),
        Index("ix_rmas_shipped_on_clock", "shipped_on", "received_on", "paused_working_days",
              "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    fault_description: Mapped[str] = mapped_column(Text, default="")
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # null while a request (status requested) waits for the unit to arrive
    received_on: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # the list's order (newest first): the day received, or while a request the day requested
    listed_on: Mapped[date] = mapped_column(Date)
    warranty_status: Mapped[str] = mapped_column(String(20))
    warranty_starts_on: Mapped[date | None] = mapped_column(Date)
    warranty_ends_on: Mapped[date | None] = mapped_column(Date)
    warranty_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    damage_class: Mapped[str | None] = mapped_column(String(20))
    # the depot date of the first inspection (received -> inspected); a correction later is
    # not a new inspection. The reports count inspections by it.
    inspected_on: Mapped[date | None] = mapped_column(Date)
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
    # the unit's previous RMA's ship date, kept at intake (that RMA was over by then): whether
    # this one is a repeat repair (DESIGN.md 4b `repeat_of`) is then a comparison of two dates
    previous_shipped_on: Mapped[date | None] = mapped_column(Date)
    # the box it came in with other units (models/cartons.py); None: it came alone
    carton_id: Mapped[int | None] = mapped_column(ForeignKey("cartons.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(back_populates="rmas", lazy="joined", foreign_keys=[unit_id])
    technician: Mapped[User | None] = relationship(foreign_keys=[technician_id], lazy="joined")
    carton: Mapped[Carton | None] = relationship(back_populates="rmas")
    part_uses: Mapped[list[PartUse]] = relationship(back_populates="rma", order_by="PartUse.id")
    quotes: Mapped[list[Quote]] = relationship(back_populates="rma", order_by="Quote.version")
    payments: Mapped[list[Payment]] = relationship(order_by="Payment.id")
    shipment: Mapped[Shipment | None] = relationship(uselist=False)
    # The replacement unit that goes back instead (换货), when the RMA was exchanged.
    exchange: Mapped[Exchange | None] = relationship(uselist=False, back_populates="rma",
                                                     foreign_keys="Exchange.rma_id")
    # The milestone mails to the customer (services/notifications.py), oldest first.
    notifications: Mapped[list[Notification]] = relationship(order_by="Notification.id",
                                                             viewonly=True)
    survey: Mapped[Survey | None] = relationship(uselist=False, viewonly=True,
                                                 foreign_keys="Survey.rma_id")
    complaints: Mapped[list[Complaint]] = relationship(
        viewonly=True, order_by="Complaint.id", foreign_keys="Complaint.rma_id")
    # The audit trail is append-only (database triggers refuse UPDATE and DELETE): the ORM
    # never cascades a delete or nulls the key, so deleting an RMA fails instead of erasing it.
    events: Mapped[list[RmaEvent]] = relationship(
        back_populates="rma", order_by="RmaEvent.id", cascade="save-update, merge",
        passive_deletes="all"
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
    """One row per change of an RMA: who, when, from, to, why, and from where (the client's
    address and the way in: web, api, link, cli, job). Rows are only ever added."""

    __tablename__ = "rma_events"
    # A period's events of one action (the reports: inspections, finished repairs, QA fails).
    __table_args__ = (
        Index("ix_rma_events_action_at", "action", "at", "from_status", "rma_id"),
        Index("ix_rma_events_rma_action", "rma_id", "action", "id", "at", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))
    via: Mapped[str | None] = mapped_column(String(20))

    rma: Mapped[Rma] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


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
