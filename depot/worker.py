"""The outbox worker: one delivery loop, run by a background thread in each app process and, for
deployments that prefer a process of its own, by `flask depot worker`.

The thread starts with the first request a process serves: so never in `flask db upgrade` or
any other command, and in each gunicorn worker after the fork (a thread started before a fork
would not survive it). It starts once per app and process, is a daemon (it never holds a
shutdown up; a message it was sending is claimed again after STALE_CLAIM), and stops on an
Event (tests). It wakes when a commit of this process queued mail (the outbox doorbell) and
polls every POLL_SECONDS for mail queued elsewhere (another gunicorn worker, cron); every
process polls, the claims keep each message to one sender. A database error is logged and the
loop goes on. DEPOT_OUTBOX_WORKER=off leaves delivery to `flask depot worker` or cron.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from depot.background import Background, BackgroundThread
from depot.extensions import db
from depot.services import outbox
from depot.services import settings as depot_settings
from depot.services.health import UNREACHABLE, OutageLog

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
BATCH = 50


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Totals:
    passes: int = 0
    sent: int = 0
    failed: int = 0
    errors: int = 0


class DeliveryLoop:
    """Deliver what is due, then wait for the doorbell or the next poll; until stopped."""

    def __init__(self, app: Flask, *, poll: float = POLL_SECONDS, batch: int = BATCH) -> None:
        self.app, self.poll, self.batch = app, poll, batch
        self.totals = Totals()
        self._stopping = threading.Event()
        self._bell = threading.Event()
        self._outage = OutageLog(log, "mail delivery")

    def stop(self) -> None:
        self._stopping.set()
        self._bell.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, once: bool = False, max_seconds: float | None = None) -> Totals:
        """Loop until stopped; `once`: until nothing is due; `max_seconds`: at most so long."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        outbox.listen(self._bell)
        try:
            while not self._stopping.is_set():
                self._bell.clear()  # before the pass: a ring during it means another pass
                more = self.run_pass()
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                if more:
                    continue
                if once:
                    break
                self._bell.wait(self.poll if left is None else min(self.poll, left))
        finally:
            outbox.unlisten(self._bell)
        return self.totals

    def run_pass(self) -> bool:
        """One pass in a fresh app context (its own session). True when the batch was full,
        so more may be due at once."""
        self.totals.passes += 1
        try:
            with self.app.app_context():
                mail = depot_settings.load(db.session, self.app.config).mail
                done = outbox.deliver_pending(db.session, mail, clock=_now, limit=self.batch)
        except UNREACHABLE as exc:  # one line when the outage starts, not a traceback a pass
            self.totals.errors += 1
            self._outage.failed(exc, self.app.config["SQLALCHEMY_DATABASE_URI"])
            return False
        except Exception:
            self.totals.errors += 1
            log.exception("outbox pass failed; trying again in %s s", self.poll)
            return False
        self._outage.answered()
        self.totals.sent += done.sent
        self.totals.failed += done.failed
        return done.due >= self.batch


_THREAD = BackgroundThread("depot.outbox_worker", "depot-outbox", DeliveryLoop)


def running(app: Flask) -> Background[DeliveryLoop] | None:
    """The app's delivery thread in this process, if it runs."""
    return _THREAD.running(app)


def start_background(app: Flask, *, poll: float = POLL_SECONDS) -> DeliveryLoop:
    """The app's delivery thread in this process, started if it is not running yet."""
    return _THREAD.start(app, poll=poll)


def stop_background(app: Flask, timeout: float = 30.0) -> None:
    """Stop the app's delivery thread (if this process runs one) and wait for it."""
    _THREAD.stop(app, timeout)


def init_app(app: Flask) -> None:
    outbox.install_doorbell()
    app.before_request(_THREAD.start_with_first_request("DEPOT_OUTBOX_WORKER"))
