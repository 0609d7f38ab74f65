"""Is the database reachable? For load balancers' health checks, start-up, the CLI and the
background loops, which say in one line what failed and how to fix it (never a traceback)."""
from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from depot.errors import UnavailableError

# The errors that say the database is not there (down, unreachable, a file that cannot be
# opened, no free connection), as opposed to a bad statement or a broken constraint.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def check_database(session: Session) -> None:
    """Raise UnavailableError unless a trivial query answers."""
    try:
        session.execute(text("SELECT 1"))
        session.rollback()
    except (SQLAlchemyError, OSError) as exc:
        session.rollback()
        raise UnavailableError("the database is not reachable", code="unavailable",
                               reason=type(exc).__name__) from None


def unavailable() -> UnavailableError:
    """What a request answers while the database is gone (503, in the reader's language)."""
    return UnavailableError("the database is not answering: try again in a minute; if it goes "
                            "on, tell the administrator", code="database_unavailable")


def shown_url(url: str) -> str:
    """The database URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot read is shown as it is not
        return "(DEPOT_DATABASE_URL)"


def reason(error: BaseException) -> str:
    """The driver's own words, first line: 'connection refused', 'unable to open …'."""
    cause = getattr(error, "orig", None) or error
    words = " ".join(str(cause).split("\n")[:2]).strip()
    return " ".join(words.split())[:300] or type(cause).__name__


def explains(error: BaseException) -> bool:
    """Is `error` one that `describe` explains: the database gone, or without Depot's tables?"""
    if isinstance(error, UNREACHABLE):
        return True
    return isinstance(error, ProgrammingError) and _no_tables(reason(error))


def _no_tables(why: str) -> bool:
    return "no such table" in why or ("relation" in why and "does not exist" in why)


def describe(error: BaseException, url: str) -> str:
    """One line for a person at a terminal or reading the log: what failed, how to fix it."""
    why = reason(error)
    where = shown_url(url)
    if _no_tables(why):
        return (f"the database {where} has no Depot tables yet ({why}): run "
                "`flask --app depot db upgrade`")
    if where.startswith("sqlite"):
        hint = ("check that DEPOT_DATABASE_URL (or DEPOT_INSTANCE_PATH) names a folder that "
                "exists and that Depot may write to")
    else:
        hint = ("start the database server, or fix DEPOT_DATABASE_URL (host, port, user, "
                "password, database name)")
    return f"Depot cannot reach its database {where} ({why}): {hint}, then try again"


class OutageLog:
    """Log a database outage once, when it starts, and once more when it ends, instead of a
    traceback on every pass of a background loop."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self.log, self.what, self.down = log, what, False

    def failed(self, error: BaseException, url: str) -> None:
        if not self.down:
            self.log.error("%s waits: %s", self.what, describe(error, url))
        self.down = True

    def answered(self) -> None:
        if self.down:
            self.log.warning("%s goes on: the database answers again", self.what)
        self.down = False
