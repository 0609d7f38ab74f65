"""Exchanges (换货): the replacement unit that goes back for an RMA, and what became of the
original unit kept at the depot (returned stock)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.rmas import Rma
    from depot.models.units import Unit
    from depot.models.users import User


class Exchange(db.Model):
    """One per exchanged RMA: the unit sent in stays (`original`), `replacement` goes back.
    `outcome` is what became of the original: in_stock, repaired_to_spares or scrapped."""

    __tablename__ = "exchanges"
    __table_args__ = (Index("ix_exchanges_outcome", "outcome", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id"), unique=True)
    original_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    replacement_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(30), default="in_stock")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rma: Mapped[Rma] = relationship(back_populates="exchange", foreign_keys=[rma_id])
    original: Mapped[Unit] = relationship(foreign_keys=[original_unit_id], lazy="joined")
    replacement: Mapped[Unit] = relationship(foreign_keys=[replacement_unit_id], lazy="joined")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])
