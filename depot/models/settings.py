"""The depot's settings an admin edits on /admin/settings (depot/services/settings.py): one row
per setting that differs from the environment's value."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from depot.extensions import db
from depot.models.base import UTCDateTime


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(80))
