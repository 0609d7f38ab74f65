"""Complaints (投诉) with their numbering and events, and the surveys (回访) after shipping."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.rmas import Rma
    from depot.models.units import Unit
    from depot.models.users import User

DESCRIPTION_CAP = 4000  # a complaint's description and a note (documented in the OpenAPI)
COMMENT_CAP = 2000  # a survey comment


class ComplaintCounter(db.Model):
    """Last complaint number handed out per year; taken under its row's lock (as RmaCounter),
    so numbers are gap-free."""

    __tablename__ = "complaint_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_complaints_team_status", "team", "status", "id"),
        # The reports count complaints by the day they were registered.
        Index("ix_complaints_created_at_kind", "created_at", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # a domain.complaints.ComplaintKind
    team: Mapped[str] = mapped_column(String(30))  # a domain.complaints.Team
    channel: Mapped[str] = mapped_column(String(20))  # a domain.complaints.Channel
    status: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text)
    rma_id: Mapped[int | None] = mapped_column(ForeignKey("rmas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Who complained, as they said it (or as the RMA's customer was on record then).
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    customer_phone: Mapped[str] = mapped_column(String(50), default="")
    customer_email: Mapped[str] = mapped_column(String(254), default="")
    customer_address: Mapped[str] = mapped_column(Text, default="")
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who started it
    outcome: Mapped[str | None] = mapped_column(String(20))  # a domain.complaints.Outcome
    resolution: Mapped[str | None] = mapped_column(Text)  # the last resolution's note
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    rma: Mapped[Rma | None] = relationship(lazy="joined", foreign_keys=[rma_id])
    unit: Mapped[Unit | None] = relationship(lazy="joined", foreign_keys=[unit_id])
    holder: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[holder_id])
    events: Mapped[list[ComplaintEvent]] = relationship(  # append-only, as Rma.events
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="save-update, merge",
        passive_deletes="all")


class ComplaintEvent(db.Model):
    """One row per change of a complaint: who, when, from, to, the note, from where."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))
    ip: Mapped[str | None] = mapped_column(String(45))
    via: Mapped[str | None] = mapped_column(String(20))

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Survey(db.Model):
    """The survey (回访) of one RMA: sent once, answered once."""

    __tablename__ = "surveys"
    # The reports count answers by the day they were given.
    __table_args__ = (Index("ix_surveys_answered_at_score", "answered_at", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), unique=True)
    token_nonce: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    issue: Mapped[str | None] = mapped_column(String(30))  # what went wrong: a ComplaintKind
    answer_ip: Mapped[str | None] = mapped_column(String(45))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))

    rma: Mapped[Rma] = relationship(foreign_keys=[rma_id])
    complaint: Mapped[Complaint | None] = relationship(foreign_keys=[complaint_id])
