"""Cartons (整箱收货): one box from a customer or a dealer with many units in it, each with its
own RMA; numbered CTN-YYYY-NNNNNN gap-free per year."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.rmas import Rma
    from depot.models.units import Customer
    from depot.models.users import User


class CartonCounter(db.Model):
    """Last carton number handed out per year; taken under its row's lock (as RmaCounter),
    so numbers are gap-free."""

    __tablename__ = "carton_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Carton(db.Model):
    __tablename__ = "cartons"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    # the waybill the box came under (the carrier's tracking number), as scanned
    carrier: Mapped[str] = mapped_column(String(50), default="")
    tracking_number: Mapped[str] = mapped_column(String(60), default="", index=True)
    # who sent the box; the units in it keep their own customers
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    customer: Mapped[Customer | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")
    rmas: Mapped[list[Rma]] = relationship(back_populates="carton", order_by="Rma.id")
