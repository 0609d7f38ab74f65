"""Indexes that serve the search (depot.services.search), and the names of those that only
one database has.

* `rmas (listed_on, number)`: the list's order (newest first: received, a request by the day it
  was made) and its keyset pagination.
* `lower(shipments.tracking_number)`: `q` matches a tracking number exactly, case-insensitively.
* A part of a customer's name, phone or email (`LIKE '%part%'`, which no B-tree serves):
  PostgreSQL: pg_trgm GIN indexes on customers.name, .phone and .email (gin_trgm_ops, which
  ILIKE uses); SQLite: the FTS5 table `customer_search` with the trigram tokenizer over the same
  three columns (external content: rowid = customers.id, kept by triggers). Both serve a part of
  3 characters or more; a shorter part (one or two Chinese characters) can be served by no
  trigram, and is looked for in the customers table itself, never in the RMAs.

The database-specific ones are made by migration 0014 and are not in the models' metadata:
autogenerate and the schema comparison skip them by these names.
"""
from __future__ import annotations

from sqlalchemy import Index, func

from depot.models.rmas import Rma
from depot.models.shipping import Shipment

Index("ix_rmas_listed_on_number", Rma.listed_on, Rma.number)
Index("ix_shipments_tracking_lower", func.lower(Shipment.tracking_number))

CUSTOMER_SEARCH = "customer_search"  # the SQLite FTS5 table
PG_TRIGRAM_INDEXES = ("ix_customers_name_trgm", "ix_customers_phone_trgm",
                      "ix_customers_email_trgm")


def outside_metadata(name: str | None, type_: str) -> bool:
    """Whether a reflected table or index is one of the database-specific search objects."""
    if not name:
        return False
    if type_ == "table":
        return name == CUSTOMER_SEARCH or name.startswith(CUSTOMER_SEARCH + "_")
    return type_ == "index" and name in PG_TRIGRAM_INDEXES
