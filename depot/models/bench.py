"""The bench: the finding catalogue, parts and stock, the working-day calendar."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.rmas import Rma, RmaEvent


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


class BenchTime(db.Model):
    """The bench time of one finished repair, worked out when it was finished: from the RMA's
    latest start_repair to this finish_repair, in office hours of working days (the calendar
    as it stood then). Reports read these rows instead of pairing events and walking the
    calendar for each repair (services/productivity.py)."""

    __tablename__ = "bench_times"
    __table_args__ = (
        # a period's repairs per technician, with the hours, from the index alone
        Index("ix_bench_times_finished", "finished_at", "technician_id", "hours",
              "superseded_at"),
        Index("ix_bench_times_rma", "rma_id", "technician_id", "event_id"),
        # QA failures per technician: the repair that failed is the technician's
        Index("ix_bench_times_failed_qa", "failed_qa_at", "technician_id"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("rma_events.id"), primary_key=True,
                                          autoincrement=False)  # the finish_repair event
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who finished it
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    hours: Mapped[float | None] = mapped_column(Float)  # None: no start_repair before it
    # when the same technician finished the RMA again (after a failed QA): a period that
    # holds both counts the repair once, with its latest finish
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when this repair failed its QA (the fail_qa after this finish): counted to technician_id
    failed_qa_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[RmaEvent] = relationship()
