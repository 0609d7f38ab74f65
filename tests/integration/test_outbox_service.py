"""The outbox on a real session and a real SMTP server: stored with the change, delivered once,
kept and retried on failure, written as .eml without a server, claims that make two workers
share the work instead of doubling it."""

from __future__ import annotations

import email
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from depot.mail import MailAttachment, compose
from depot.models import OutboxMessage, db
from depot.services import outbox
from depot.services.outbox import MAX_ATTEMPTS, STALE_CLAIM, MailSettings
from tests.conftest import NOW


def message(n: int = 1, to: str = "kh@example.cn"):
    return compose(
        sender="depot@depot.test",
        to=to,
        subject=f"维修通知 {n} / Notice {n}",
        text=f"第 {n} 封\n",
        domain="depot.test",
        attachments=(MailAttachment("收据.pdf", "application/pdf", b"%PDF-1.4 x"),),
    )


def queue(session, n: int = 1) -> list[int]:
    rows = [
        outbox.enqueue(session, message(i), kind="test", rma=None, now=NOW) for i in range(1, n + 1)
    ]
    session.commit()
    return [r.id for r in rows]


def row(session, row_id: int) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, row_id)


@pytest.fixture
def closed_port():
    """A loopback port bound but not listening: every connection is refused at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"smtp://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def settings_for(url: str | None, tmp_path) -> MailSettings:
    return MailSettings("depot@depot.test", url, tmp_path / "outbox")


def test_queued_in_the_callers_transaction(app, session):
    outbox.enqueue(session, message(), kind="test", rma=None, now=NOW)
    session.rollback()
    assert session.scalars(select(OutboxMessage)).all() == []
    [row_id] = queue(session)
    stored = row(session, row_id)
    assert (stored.status, stored.attempts, stored.claimed_at, stored.sent_at) == (
        "pending",
        0,
        None,
        None,
    )
    assert (stored.sender, stored.recipient, stored.subject) == (
        "depot@depot.test",
        "kh@example.cn",
        "维修通知 1 / Notice 1",
    )
    assert stored.message_id.endswith("@depot.test>")


def test_delivered_once_to_the_smtp_server(app, session, smtp_server, tmp_path):
    url, received = smtp_server
    [row_id] = queue(session)
    mail = settings_for(url, tmp_path)

    assert counts(outbox.deliver_pending(session, mail, clock=lambda: NOW)) == (1, 0)
    assert counts(
        outbox.deliver_pending(session, mail, clock=lambda: NOW + timedelta(minutes=1))
    ) == (0, 0)

    assert len(received) == 1
    sender, recipients, raw = received[0]
    assert (sender, recipients) == ("depot@depot.test", ["kh@example.cn"])
    parsed = email.message_from_bytes(raw, policy=policy.default)
    stored = row(session, row_id)
    assert parsed["Message-ID"] == stored.message_id
    assert parsed["Subject"] == "维修通知 1 / Notice 1"
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["收据.pdf"]
    assert (stored.status, stored.attempts, stored.sent_at, stored.last_error) == (
        "sent",
        1,
        NOW,
        None,
    )
    assert not (tmp_path / "outbox").exists()


def test_without_smtp_each_message_is_an_eml_file(app, session, tmp_path):
    first, second = queue(session, 2)
    mail = settings_for(None, tmp_path)
    assert counts(outbox.deliver_pending(session, mail, clock=lambda: NOW)) == (2, 0)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name for f in files] == [
        f"20261120-030000-{first:06d}-test.eml",
        f"20261120-030000-{second:06d}-test.eml",
    ]
    parsed = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "维修通知 2 / Notice 2"
    assert parsed["Message-ID"] == row(session, second).message_id
    assert counts(outbox.deliver_pending(session, mail, clock=lambda: NOW)) == (0, 0)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_a_failure_is_kept_and_delivered_on_a_later_try(
    app, session, closed_port, smtp_server, tmp_path
):
    [row_id] = queue(session)
    assert counts(
        outbox.deliver_pending(session, settings_for(closed_port, tmp_path), clock=lambda: NOW)
    ) == (0, 1)
    stored = row(session, row_id)
    # Kept for a later try, a minute or more from now (the backoff), never lost.
    assert (stored.status, stored.attempts, stored.sent_at) == ("pending", 1, None)
    assert stored.next_attempt_at >= NOW + timedelta(minutes=1)
    assert "ConnectionRefusedError" in stored.last_error

    later = NOW + timedelta(minutes=5)
    url, received = smtp_server
    assert counts(
        outbox.deliver_pending(session, settings_for(url, tmp_path), clock=lambda: later)
    ) == (1, 0)
    stored = row(session, row_id)
    assert (stored.status, stored.attempts, stored.sent_at, stored.last_error) == (
        "sent",
        2,
        later,
        None,
    )
    assert len(received) == 1
    assert counts(
        outbox.deliver_pending(session, settings_for(url, tmp_path), clock=lambda: later)
    ) == (0, 0)
    assert len(received) == 1


def test_an_unknown_mail_url_scheme_is_a_failure_not_a_crash(app, session, tmp_path):
    [row_id] = queue(session)
    mail = settings_for("http://mail.example:25", tmp_path)
    assert counts(outbox.deliver_pending(session, mail, clock=lambda: NOW)) == (0, 1)
    assert "unknown mail URL scheme" in row(session, row_id).last_error


def test_a_message_is_given_up_after_max_attempts(app, session, closed_port, smtp_server, tmp_path):
    [row_id] = queue(session)
    failing = settings_for(closed_port, tmp_path)
    for _attempt in range(MAX_ATTEMPTS):
        now = row(session, row_id).next_attempt_at  # each try waits for its backoff
        assert counts(outbox.deliver_pending(session, failing, clock=lambda: now)) == (0, 1)
    assert row(session, row_id).attempts == MAX_ATTEMPTS
    url, received = smtp_server
    assert counts(
        outbox.deliver_pending(
            session, settings_for(url, tmp_path), clock=lambda: NOW + timedelta(days=2)
        )
    ) == (0, 0)
    assert received == []
    assert (row(session, row_id).status, row(session, row_id).attempts) == ("failed", MAX_ATTEMPTS)


def test_a_stale_claim_is_released_after_stale_claim(app, session, smtp_server, tmp_path):
    [row_id] = queue(session)
    claimed = row(session, row_id)
    # A worker claimed it and died before it could say how the delivery went.
    claimed.status, claimed.claimed_at, claimed.attempts = "sending", NOW, 1
    session.commit()
    url, received = smtp_server
    mail = settings_for(url, tmp_path)

    assert counts(outbox.deliver_pending(session, mail, clock=lambda: NOW + STALE_CLAIM)) == (0, 0)
    assert received == [] and row(session, row_id).status == "sending"
    after = NOW + STALE_CLAIM + timedelta(seconds=1)
    assert counts(outbox.deliver_pending(session, mail, clock=lambda: after)) == (1, 0)
    stored = row(session, row_id)
    assert (stored.status, stored.attempts, stored.claimed_at) == ("sent", 2, after)
    assert len(received) == 1


def test_two_workers_deliver_each_message_exactly_once(app, session, smtp_server, tmp_path):
    ids = queue(session, 30)
    db.session.remove()  # the test holds no transaction while the workers run
    url, received = smtp_server
    mail = settings_for(url, tmp_path)
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                return counts(outbox.deliver_pending(db.session, mail, clock=lambda: NOW))
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: worker(), range(2)))

    assert sum(sent for sent, _ in results) == 30 and all(f == 0 for _, f in results)
    message_ids = [
        email.message_from_bytes(raw, policy=policy.default)["Message-ID"] for _, _, raw in received
    ]
    assert len(message_ids) == 30 and len(set(message_ids)) == 30
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert set(message_ids) == {r.message_id for r in rows}


def counts(delivered) -> tuple[int, int]:
    """(sent, failed) of one delivery pass."""
    return delivered.sent, delivered.failed
