"""Counters of the rate limiter, kept in the database so every worker on every machine counts
together (see depot/web/ratelimit.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from depot.extensions import db
from depot.models.base import UTCDateTime


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
