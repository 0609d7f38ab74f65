"""Is the database reachable? For load balancers' health checks."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from depot.errors import UnavailableError


def check_database(session: Session) -> None:
    """Raise UnavailableError unless a trivial query answers."""
    try:
        session.execute(text("SELECT 1"))
        session.rollback()
    except (SQLAlchemyError, OSError) as exc:
        session.rollback()
        raise UnavailableError("the database is not reachable", code="unavailable",
                               reason=type(exc).__name__) from None
