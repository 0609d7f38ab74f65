"""The job runner: one loop, run by a background thread in each app process and by
`flask depot run-jobs` for deployments that prefer a process of its own.

The same shape as the mail outbox's worker (both hold their thread with depot.background):
the thread starts with the first request a process serves (never in `flask db upgrade`; in
each gunicorn worker after the fork), once per app and process, as a daemon, and stops on an
Event. It wakes when this process queues a job (services.jobs rings) and polls every
POLL_SECONDS for jobs queued by other processes; the claim is a compare-and-set, so each job
runs once however many processes poll. A job runs in its own app context and session; an
error is logged, recorded on the job, and the loop goes on. DEPOT_JOBS_WORKER=off leaves jobs
to `flask depot run-jobs`.

Why a thread of the app process and not the request's own thread: the request answers 202 at
once (a 100,000-row import takes seconds, a million-row one a minute or two, past the 30 s a
gunicorn worker is given); the job and its file are in the database, so whichever process
claims it can run it, and a process that dies leaves its job to be failed after STALE_SECONDS
rather than lost silently.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy.orm import Session

from depot.background import Background, BackgroundThread
from depot.extensions import db
from depot.services import jobs, unit_import
from depot.services.health import UNREACHABLE, OutageLog

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


def _now() -> datetime:
    return datetime.now(UTC)


def _import_units(app: Flask, session: Session, job_id: str) -> None:
    unit_import.run_import_job(
        session, job_id, clock=_now, tz=ZoneInfo(app.config["DEPOT_TIMEZONE"]),
        options=unit_import.ImportOptions(chunk_rows=app.config["DEPOT_IMPORT_CHUNK_ROWS"]))


RUNNERS: dict[str, Callable[[Flask, Session, str], None]] = {
    unit_import.JOB_KIND: _import_units,
}


class JobLoop:
    """Run what is queued, then wait for the bell or the next poll; until stopped."""

    def __init__(self, app: Flask, *, poll: float = POLL_SECONDS) -> None:
        self.app, self.poll = app, poll
        self.ran = self.failed = 0
        self._stopping = threading.Event()
        self._bell = threading.Event()
        self._outage = OutageLog(log, "the job runner")

    def stop(self) -> None:
        self._stopping.set()
        self._bell.set()

    def run(self, *, once: bool = False) -> int:
        """Loop until stopped; `once`: until nothing is queued. Returns the jobs run."""
        jobs.listen(self._bell)
        try:
            while not self._stopping.is_set():
                self._bell.clear()  # before the pass: a ring during it means another pass
                if self.run_pass():
                    continue
                if once:
                    break
                self._bell.wait(self.poll)
        finally:
            jobs.unlisten(self._bell)
        return self.ran

    def run_pass(self) -> bool:
        """Claim one job and run it, in a fresh app context. True when one was run."""
        try:
            with self.app.app_context():
                job = jobs.claim_next(db.session, now=_now())
                self._outage.answered()
                if job is None:
                    return False
                job_id, kind = job.id, job.kind
                self.ran += 1
                runner = RUNNERS.get(kind)
                try:
                    if runner is None:
                        raise LookupError(f"no runner for jobs of kind {kind}")
                    runner(self.app, db.session, job_id)
                except Exception as exc:
                    self.failed += 1
                    log.exception("job %s (%s) failed", job_id, kind)
                    db.session.rollback()
                    if jobs.get_job(db.session, job_id).status == "running":
                        jobs.fail(db.session, job_id, exc, {}, now=_now())
                return True
        except UNREACHABLE as exc:  # one line when the outage starts, not a traceback a pass
            self._outage.failed(exc, self.app.config["SQLALCHEMY_DATABASE_URI"])
            return False
        except Exception:
            log.exception("job pass failed; trying again in %s s", self.poll)
            return False


_THREAD = BackgroundThread("depot.job_runner", "depot-jobs", JobLoop)


def running(app: Flask) -> Background[JobLoop] | None:
    """The app's job thread in this process, if it runs."""
    return _THREAD.running(app)


def start_background(app: Flask, *, poll: float = POLL_SECONDS) -> JobLoop:
    """The app's job thread in this process, started if it is not running yet."""
    return _THREAD.start(app, poll=poll)


def stop_background(app: Flask, timeout: float = 60.0) -> None:
    """Stop the app's job thread (if this process runs one) and wait for it."""
    _THREAD.stop(app, timeout)


def init_app(app: Flask) -> None:
    app.before_request(_THREAD.start_with_first_request("DEPOT_JOBS_WORKER"))
