"""Rate limits: Flask-Limiter (`depot.extensions.limiter`) counting in the database.

Counts live in the `rate_limits` table, so every gunicorn worker on every machine counts
together and a restart forgets nothing; memory counters would give each worker its own budget.
The storage is a small `limits` backend (fixed windows: a counter and the moment it ends), written
with one upsert per hit on its own connection, so a count stays counted when the request's own
transaction is rolled back.

Limits that count only failures (`deduct_when`) are counted after the response is made. On
SQLite a request that has read anything holds the database's write lock until its session ends
(every transaction begins IMMEDIATE, see depot._tune_sqlite), so `init_app` ends the request's
transaction before the limiter counts: by then the view has committed what it meant to, and what
is left would be rolled back at teardown anyway.

Using it for a view (the public pages share one counter per address, DESIGN.md §4b):

    @bp.get("/s/<token>")
    @limiter.shared_limit("10 per 10 minutes", scope="public", deduct_when=failed_lookup)
    def status_page(token): ...
"""
from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, current_app, g
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from depot.extensions import db, limiter
from depot.models import RateLimitCounter

KEY_LENGTH = 255
PUBLIC_SCOPE = "public"


# Links that are not valid: a forged or changed one answers 404; an expired one (a survey's)
# answers 409, and the view names it in `g.public_failure`.
BAD_LINKS = ("invalid_link", "link_expired")


def failed_lookup(response: Response) -> bool:
    """A failed try on a public page (DESIGN.md §4b "Rate limit"): a lookup that found
    nothing or a link that is not valid."""
    return response.status_code == 404 or g.get("public_failure") in BAD_LINKS


# The customer's side shares one counter per client address: /q/…, /s/…, /survey/…, /status and
# /api/v1/public/…. Only failed tries count; once DEPOT_PUBLIC_LIMIT of them are spent, every
# call of these from that address answers 429 until the window ends. Put it under the route:
#
#     @bp.get("/survey/<token>")
#     @public_limit
#     def survey_page(token): ...
public_limit = limiter.shared_limit(lambda: current_app.config["DEPOT_PUBLIC_LIMIT"],
                                    scope=PUBLIC_SCOPE, deduct_when=failed_lookup)


# Requests before shipping (POST /api/v1/public/requests, the /request page): every try counts,
# DEPOT_REQUEST_LIMIT (5 an hour) per address, so a bot cannot open thousands of RMAs.
request_limit = limiter.shared_limit(lambda: current_app.config["DEPOT_REQUEST_LIMIT"],
                                     scope="requests")


def client_address() -> str:
    """The client's address: the socket's, or with DEPOT_PROXY_FIX the one the proxy saw."""
    return get_remote_address()


def _key(key: str) -> str:
    """Keys name user input (a user name typed at login): long ones are kept as a digest."""
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseStorage(Storage):
    """A `limits` storage on the app's database (`RATELIMIT_STORAGE_URI = "depot-db://"`).

    Supports the fixed-window strategy: a key's counter starts at its first hit and lives for
    the limit's window; a hit after the window starts a new one.
    """

    STORAGE_SCHEME = ["depot-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = _now()
        ends = now + timedelta(seconds=expiry)
        table = RateLimitCounter.__table__
        dialect = db.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(key=_key(key), hits=amount, expires_at=ends)
        lapsed = table.c.expires_at <= literal(now, table.c.expires_at.type)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"hits": case((lapsed, literal(amount)), else_=table.c.hits + amount),
                  "expires_at": case((lapsed, literal(ends, table.c.expires_at.type)),
                                     else_=table.c.expires_at)},
        ).returning(table.c.hits)
        with db.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
        if hits == amount:  # a new window: forget the ones that ended a while ago
            with db.engine.begin() as connection:
                connection.execute(delete(table).where(
                    table.c.expires_at < literal(now - timedelta(hours=1),
                                                 table.c.expires_at.type)))
        return hits

    def _row(self, key: str) -> tuple[int, datetime] | None:
        table = RateLimitCounter.__table__
        with db.engine.begin() as connection:
            row = connection.execute(select(table.c.hits, table.c.expires_at)
                                     .where(table.c.key == _key(key))).first()
        if row is None or row.expires_at <= _now():
            return None
        return row.hits, row.expires_at

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return (row[1] if row else _now()).timestamp()

    def check(self) -> bool:
        try:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("SELECT 1")
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == _key(key)))


def minutes_left() -> int:
    """Whole minutes until the limit this request broke lets go (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 1
    seconds = current.window[0] - _now().timestamp()  # (reset time, remaining)
    return max(1, math.ceil(seconds / 60))


def init_app(app: Flask) -> None:
    """Start the limiter on `app`, then end each request's transaction before it counts."""
    limiter.init_app(app)

    # Registered after the limiter's own hook, so it runs before it (Flask runs after_request
    # functions last-registered first).
    @app.after_request
    def _end_request_transaction(response: Response) -> Response:
        db.session.close()
        return response
