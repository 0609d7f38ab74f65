"""Customers, product models and the units they own."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from depot.extensions import db
from depot.models.base import UTCDateTime

if TYPE_CHECKING:
    from depot.models.complaints import Complaint
    from depot.models.exchanges import Exchange
    from depot.models.rmas import Rma


class Customer(db.Model):
    __tablename__ = "customers"
    # A customer is found again by name and phone (services.units.find_or_create_customer,
    # the CSV import looks up a few thousand at once).
    __table_args__ = (Index("ix_customers_name_phone", "name", "phone"),
                      # the dashboard's key accounts start from the few that are
                      Index("ix_customers_key_account", "key_account", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    key_account: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language the customer reads (zh_CN, zh_TW, en); None: not known, mail is zh_CN.
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProductModel(db.Model):
    __tablename__ = "product_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    warranty_months: Mapped[int] = mapped_column(Integer, default=12)
    serial_pattern: Mapped[str | None] = mapped_column(String(200))
    # A retired model is no longer offered when a unit is registered at intake; the units
    # that have it keep it.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(80), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    purchase_date: Mapped[date | None] = mapped_column(Date)
    extended_months: Mapped[int] = mapped_column(Integer, default=0)
    # A replacement unit sent in exchange (换货): its last covered day, fixed when it shipped
    # (domain.exchange.replacement_warranty_end); None for every other unit.
    exchange_ends_on: Mapped[date | None] = mapped_column(Date)
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
    complaints: Mapped[list[Complaint]] = relationship(
        viewonly=True, order_by="Complaint.id", foreign_keys="Complaint.unit_id")
    # The exchanges that took this unit back (it stayed at the depot), oldest first.
    exchanged_out: Mapped[list[Exchange]] = relationship(
        viewonly=True, order_by="Exchange.id", foreign_keys="Exchange.original_unit_id")


# Serials are matched case-insensitively (DESIGN.md 4b "Finding things"): lookups compare
# lower(serial), and this index answers them. SQLite cannot reflect an expression index:
# alembic's autogenerate skips it with a warning, and a batch migration that re-creates the
# units table on SQLite must create it again (see migration 0008).
Index("ix_units_serial_lower", func.lower(Unit.serial))
Index("ix_units_model", Unit.id, Unit.model_id)  # a unit's model from the index (reports)
# a customer's units from the index alone (the dashboard's key accounts on PostgreSQL, whose
# indexes hold no row id of their own)
Index("ix_units_customer_unit", Unit.customer_id, Unit.id)
