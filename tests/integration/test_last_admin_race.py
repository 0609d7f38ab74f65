"""Two admins switch each other off at the same moment: exactly one wins, the depot keeps an
active admin, the loser is told 409 (never a deadlock or a 500).

Free trials start both at once behind a barrier. On PostgreSQL, held trials also make the
interleaving that would lose the last admin certain: a third connection holds the admins'
rows, both changes start and wait for them, and only then are the rows let go; both have
read the users before, so without the lock on the admins' rows both would pass.
"""
from __future__ import annotations

import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select

from depot.errors import ConflictError
from depot.models import User, db
from depot.services import users
from tests.conftest import NOW, PG_URL

TRIALS = 12 if PG_URL else 4
WAIT_S = 30.0  # only a bound on the wait for PostgreSQL to show both waiting


def _run(app: Flask, barrier: threading.Barrier, job):
    with app.app_context():
        barrier.wait()
        try:
            return job()
        except Exception as exc:  # noqa: BLE001 - the test looks at every outcome
            exc.trace = traceback.format_exc()
            return exc
        finally:
            db.session.rollback()
            db.session.remove()


def _switch_off(username: str):
    return lambda: users.update_user(db.session, username, active=False).username


def _waiting(monitor, n: int) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if monitor.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'").scalar() >= n:
            return True
        time.sleep(0.005)
    return False


def _race(app: Flask, *, held: bool) -> list:
    jobs = [_switch_off("boss.b"), _switch_off("boss.a")]  # each switches the other off
    db.session.remove()
    with ThreadPoolExecutor(2) as pool:
        if not held:
            barrier = threading.Barrier(2)
            return list(pool.map(lambda job: _run(app, barrier, job), jobs))
        holder = db.engine.connect()
        monitor = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        holder.execute(select(User.id).where(User.role == "admin").with_for_update())
        try:
            futures = []
            for queued, job in enumerate(jobs, 1):
                futures.append(pool.submit(_run, app, threading.Barrier(1), job))
                assert _waiting(monitor, queued), "the change did not wait for the admins"
        finally:
            holder.rollback()
            holder.close()
            monitor.close()
        return [f.result() for f in futures]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_admins_switching_each_other_off_leave_one(app, trial):
    for name in ("boss.a", "boss.b"):
        users.create_user(db.session, name, "admin", now=NOW)
    results = _race(app, held=bool(PG_URL) and trial % 2 == 0)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ConflictError), getattr(lost[0], "trace", lost[0])
    assert lost[0].code == "last_admin"
    active = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True)))
    assert active == 1
