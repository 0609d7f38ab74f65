"""Shipments and the label printers at the packing stations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from depot.extensions import db
from depot.models.base import UTCDateTime


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
