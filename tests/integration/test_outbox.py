"""The outbox service on a real database and a real SMTP server: claims, backoff, stale claims,
permanent failure, the channel dispatch and the doorbell."""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from depot.domain.outbox import MAX_ATTEMPTS, OutboxStatus
from depot.mail import compose
from depot.models import OutboxMessage, db
from depot.services import outbox
from depot.services.outbox import STALE_CLAIM, MailSettings
from tests.conftest import NOW

DEAD_RELAY = "smtp://127.0.0.1:9"  # nothing listens there: refused at once


def queue(count: int = 1, *, at=NOW) -> list[int]:
    rows = [outbox.enqueue(db.session, compose(sender="depot@localhost", to="zs@example.com",
                                               subject=f"测试 {i}", text="正文"),
                           kind="test", rma=None, now=at) for i in range(count)]
    db.session.commit()
    return [row.id for row in rows]


def settings(url: str | None, tmp_path: Path) -> MailSettings:
    return MailSettings("depot@localhost", url, tmp_path / "eml", timeout=5.0)


def at(moment):
    return lambda: moment


def row(message_id: int) -> OutboxMessage:
    """The row as the database has it now (to read; change rows with db.session.get)."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_a_queued_message_goes_out_once(app, smtp_server, tmp_path):
    (message_id,) = queue()
    assert row(message_id).status == OutboxStatus.PENDING and row(message_id).channel == "email"
    done = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path), clock=at(NOW))
    assert (done.sent, done.failed, done.due) == (1, 0, 1)
    assert len(smtp_server[1]) == 1 and smtp_server[1][0][1] == ["zs@example.com"]
    sent = row(message_id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == (
        OutboxStatus.SENT, 1, NOW, None)
    again = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path),
                                   clock=at(NOW + timedelta(days=1)))
    assert again.due == 0 and len(smtp_server[1]) == 1


def test_two_senders_that_saw_the_same_message_claim_it_once(app):
    (message_id,) = queue()
    other = Session(db.engine)
    try:
        first = outbox._claim(db.session, message_id, 0, now=NOW)
        second = outbox._claim(other, message_id, 0, now=NOW)  # it read attempts=0 too
        assert first is not None and first.recipient == "zs@example.com"
        assert second is None
        assert (row(message_id).status, row(message_id).attempts) == (OutboxStatus.SENDING, 1)
    finally:
        other.close()


def test_failures_wait_longer_each_time_then_fail_for_good(app, smtp_server, tmp_path):
    (message_id,) = queue()
    dead = settings(DEAD_RELAY, tmp_path)
    moment, waits = NOW, []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        done = outbox.deliver_pending(db.session, dead, clock=at(moment))
        assert (done.sent, done.failed) == (0, 1)
        tried = row(message_id)
        assert tried.attempts == attempt and "ConnectionRefusedError" in tried.last_error
        if attempt < MAX_ATTEMPTS:
            assert tried.status == OutboxStatus.PENDING
            waits.append(tried.next_attempt_at - moment)
            early = outbox.deliver_pending(db.session, dead,
                                           clock=at(tried.next_attempt_at - timedelta(seconds=1)))
            assert early.due == 0  # not before its wait is over
            moment = tried.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]
    given_up = row(message_id)
    assert given_up.status == OutboxStatus.FAILED and given_up.last_error
    later = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path),
                                   clock=at(moment + timedelta(days=30)))
    assert later.due == 0 and smtp_server[1] == []  # failed is final…

    assert outbox.retry_failed(db.session, now=moment) == 1  # …until an operator says again
    revived = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path),
                                     clock=at(moment))
    assert revived.sent == 1 and len(smtp_server[1]) == 1
    assert row(message_id).status == OutboxStatus.SENT


def test_a_claim_left_by_a_crashed_sender_is_retried_after_stale_claim(app, smtp_server,
                                                                       tmp_path):
    crashed, busy = queue(2)
    for message_id, claimed in ((crashed, NOW - STALE_CLAIM - timedelta(seconds=1)),
                                (busy, NOW - timedelta(seconds=30))):
        message = db.session.get(OutboxMessage, message_id)
        message.status, message.claimed_at, message.attempts = OutboxStatus.SENDING, claimed, 1
    db.session.commit()
    done = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path), clock=at(NOW))
    assert (done.sent, done.due) == (1, 1) and len(smtp_server[1]) == 1
    assert (row(crashed).status, row(crashed).attempts) == (OutboxStatus.SENT, 2)
    assert (row(busy).status, row(busy).attempts) == (OutboxStatus.SENDING, 1)  # still its own


def test_a_claim_abandoned_on_the_last_attempt_fails_for_good(app, smtp_server, tmp_path):
    (message_id,) = queue()
    message = db.session.get(OutboxMessage, message_id)
    message.status, message.attempts = OutboxStatus.SENDING, MAX_ATTEMPTS
    message.claimed_at = NOW - STALE_CLAIM - timedelta(seconds=1)
    db.session.commit()
    done = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path), clock=at(NOW))
    assert done.due == 0 and smtp_server[1] == []
    assert row(message_id).status == OutboxStatus.FAILED
    assert "abandoned" in row(message_id).last_error


def test_a_slow_sender_that_lost_its_claim_does_not_overwrite_the_outcome(app, smtp_server,
                                                                          tmp_path):
    (message_id,) = queue()
    slow = outbox._claim(db.session, message_id, 0, now=NOW)  # then it hangs for minutes
    assert slow is not None
    later = NOW + STALE_CLAIM + timedelta(seconds=1)
    done = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path),
                                  clock=at(later))
    assert done.sent == 1 and row(message_id).status == OutboxStatus.SENT
    outbox._record_failure(db.session, message_id, 1, "TimeoutError: timed out", now=later)
    assert (row(message_id).status, row(message_id).attempts) == (OutboxStatus.SENT, 2)
    assert row(message_id).last_error is None


def test_any_error_of_one_message_is_recorded_and_the_pass_goes_on(app, tmp_path):
    first, second = queue(2)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")  # .eml files cannot go "into" it
    broken = MailSettings("depot@localhost", None, not_a_folder)
    done = outbox.deliver_pending(db.session, broken, clock=at(NOW))
    assert (done.sent, done.failed) == (0, 2)
    for message_id in (first, second):
        assert row(message_id).status == OutboxStatus.PENDING
        assert "FileExistsError" in row(message_id).last_error


def test_a_channel_this_version_cannot_send_is_left_for_one_that_can(app, smtp_server,
                                                                     tmp_path):
    email, sms = queue(2)
    # the next channel, written by a newer version during a rolling upgrade
    db.session.get(OutboxMessage, sms).channel = "sms"
    db.session.commit()
    done = outbox.deliver_pending(db.session, settings(smtp_server[0], tmp_path), clock=at(NOW))
    assert (done.sent, done.due) == (1, 1)
    assert row(email).status == OutboxStatus.SENT
    assert (row(sms).status, row(sms).attempts) == (OutboxStatus.PENDING, 0)


def test_the_doorbell_rings_after_a_commit_that_queued_mail_only(app):
    bell = threading.Event()
    outbox.listen(bell)
    try:
        outbox.enqueue(db.session, compose(sender="a@b.c", to="d@e.f", subject="x", text="y"),
                       kind="test", rma=None, now=NOW)
        db.session.flush()
        assert not bell.is_set()  # not before the commit: a worker would not see the row
        db.session.commit()
        assert bell.is_set()
        bell.clear()
        outbox.enqueue(db.session, compose(sender="a@b.c", to="d@e.f", subject="x", text="y"),
                       kind="test", rma=None, now=NOW)
        db.session.flush()
        db.session.rollback()  # the change failed: nothing was queued
        db.session.commit()
        assert not bell.is_set()
    finally:
        outbox.unlisten(bell)
    assert db.session.query(OutboxMessage).count() == 1


def test_migration_0006_keeps_retrying_what_the_old_outbox_would_have_retried(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    db.session.remove()
    downgrade(revision="02a9c9b5cac3")
    insert = text("INSERT INTO outbox (message_id, kind, sender, recipient, subject, raw, status,"
                  " attempts, created_at) VALUES (:mid, 'quote', 'a@b.c', 'd@e.f', 's', :raw,"
                  " :status, :attempts, :created)")
    created = NOW.replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else NOW
    with db.engine.begin() as conn:
        for mid, status, attempts in (("<retry@x>", "failed", 3), ("<done@x>", "failed", 10),
                                      ("<new@x>", "pending", 0)):
            conn.execute(insert, {"mid": mid, "raw": b"x", "status": status,
                                  "attempts": attempts, "created": created})
    upgrade()
    rows = {r.message_id: r for r in db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id))}
    assert {mid: (r.status, r.channel) for mid, r in rows.items()} == {
        "<retry@x>": ("pending", "email"), "<done@x>": ("failed", "email"),
        "<new@x>": ("pending", "email")}
    assert {r.next_attempt_at for r in rows.values()} == {NOW}
