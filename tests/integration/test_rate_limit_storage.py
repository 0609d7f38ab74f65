"""The rate limiter's storage on a real database: fixed windows, shared by every worker."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import update

from depot import config, create_app
from depot.models import RateLimitCounter, db
from depot.web.ratelimit import DatabaseStorage


def test_counts_per_key_within_a_window(app):
    storage = DatabaseStorage()
    before = datetime.now(UTC).timestamp()
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    after = datetime.now(UTC).timestamp()
    assert storage.incr("b", 60, amount=5) == 5
    assert (storage.get("a"), storage.get("b"), storage.get("never")) == (3, 5, 0)
    assert before + 60 <= storage.get_expiry("a") <= after + 60
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 5
    assert storage.check()
    assert storage.reset() == 1 and storage.get("b") == 0


def test_a_hit_after_the_window_starts_a_new_one(app):
    storage = DatabaseStorage()
    for _ in range(4):
        storage.incr("k", 900)
    db.session.execute(update(RateLimitCounter).values(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    assert storage.get("k") == 0
    assert storage.incr("k", 900) == 1
    assert storage.get_expiry("k") > datetime.now(UTC).timestamp() + 800


def test_windows_long_gone_are_forgotten(app):
    storage = DatabaseStorage()
    storage.incr("old", 60)
    db.session.execute(update(RateLimitCounter).values(
        expires_at=datetime.now(UTC) - timedelta(hours=2)))
    db.session.commit()
    storage.incr("new", 60)
    assert [r.key for r in db.session.query(RateLimitCounter)] == ["new"]


def test_long_keys_are_kept_as_digests(app):
    storage = DatabaseStorage()
    key = "login-account:" + "名" * 400
    assert storage.incr(key, 60) == 1 and storage.incr(key, 60) == 2
    assert storage.get(key) == 2 and storage.get(key + "x") == 0


def test_the_strategy_on_top_refuses_the_eleventh(app):
    limiter = FixedWindowRateLimiter(DatabaseStorage())
    item = parse("10 per 10 minutes")
    assert all(limiter.hit(item, "203.0.113.1") for _ in range(10))
    assert not limiter.hit(item, "203.0.113.1") and not limiter.test(item, "203.0.113.1")
    assert limiter.test(item, "203.0.113.2")


def test_two_workers_count_together_and_lose_no_hit(app, database_url, tmp_path):
    """Two apps (two gunicorn workers, each with its own pool) hitting one key from threads."""
    other = create_app(config.TestConfig(database_url, tmp_path / "other"))
    apps = [app, other] * 3
    errors: list[BaseException] = []

    def hammer(worker):
        try:
            with worker.app_context():
                storage = DatabaseStorage()
                for _ in range(15):
                    storage.incr("shared", 600)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    db.session.remove()
    threads = [threading.Thread(target=hammer, args=(worker,)) for worker in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DatabaseStorage().get("shared") == 6 * 15
    with other.app_context():
        assert DatabaseStorage().get("shared") == 90
        db.engine.dispose()
