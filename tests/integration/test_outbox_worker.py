"""The outbox worker: the app's background thread and `flask depot worker`, against a real SMTP
server, a relay that accepts and never answers, and a real database (threads and a process)."""
from __future__ import annotations

import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, text

from depot import worker
from depot.domain.outbox import OutboxStatus
from depot.mail import compose
from depot.models import OutboxMessage, Quote, db
from depot.services import outbox, quote_mail
from depot.services.settings import DepotSettings

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 10.0  # seconds a test waits for the worker; a passing run waits far less


def wait_for(what: Callable[[], object], seconds: float = PATIENCE) -> object:
    """Ask `what` (reading the database afresh) until it answers something true. Each look
    ends its transaction, so the worker is never kept waiting on the test's locks."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = what()
        finally:
            db.session.close()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def outbox_rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "received")
                                   .order_by(OutboxMessage.id)))


def queue(count: int = 1) -> None:
    now = datetime.now(UTC)
    for i in range(count):
        outbox.enqueue(db.session, compose(sender="depot@localhost", to=f"kunde{i}@example.com",
                                           subject=f"测试 {i}", text="正文"),
                       kind="test", rma=None, now=now)
    db.session.commit()
    db.session.close()


@pytest.fixture
def hung_relay() -> Iterator[tuple[str, list[socket.socket]]]:
    """A 'mail server' on loopback that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_sleep() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept_and_sleep, name="hung-relay", daemon=True)
    thread.start()
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.fixture
def inspected(api, tokens, make_unit, deliver_outbox) -> str:
    make_unit("WORK0001")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WORK0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    # The receipt mail of the intake goes out first (no relay yet: an .eml file); these tests
    # are about the quote's mail (outbox_rows leaves the receipt's out).
    assert deliver_outbox().sent == 1
    return number


def send_quote(api, tokens, number: str) -> dict:
    clerk = api.as_(tokens["clerk"])
    quote = clerk.post(f"/rmas/{number}/quotes", {"lines": [
        {"kind": "labor", "description": "维修工时", "quantity": 1, "unit_price": "80.00"}]})
    assert quote.status_code == 201, quote.get_json()
    sent = clerk.post(f"/rmas/{number}/quotes/{quote.get_json()['number']}/send")
    assert sent.status_code == 200, sent.get_json()
    return sent.get_json()


def test_a_hung_relay_holds_no_request_up_and_its_message_is_retried(
        app, api, tokens, client, inspected, hung_relay, smtp_server):
    app.config.update(DEPOT_SMTP_URL=hung_relay[0], DEPOT_SMTP_TIMEOUT=1.0,
                      DEPOT_PUBLIC_URL="http://depot.test")
    sent = send_quote(api, tokens, inspected)  # the relay would never send its banner
    assert sent["status"] == "sent" and sent["emailed"] is True
    assert sent["rma"]["status"] == "awaiting_approval"
    (queued,) = outbox_rows()
    assert (queued.status, queued.attempts) == (OutboxStatus.PENDING, 0)
    assert hung_relay[1] == []  # the request never went near the relay
    quote = db.session.scalars(select(Quote)).one()
    link = quote_mail.approval_url(DepotSettings.from_config(app.config), quote)
    db.session.close()

    worker.start_background(app, poll=0.2)
    assert wait_for(lambda: hung_relay[1])  # the worker is now stuck waiting for a banner
    answer = client.post(urlsplit(link).path + "/approve", json={"comment": "好的"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "approved"

    def tried_once():
        (message,) = outbox_rows()
        return message if message.attempts == 1 and message.last_error else None

    message = wait_for(tried_once)  # after DEPOT_SMTP_TIMEOUT, in the worker thread
    assert message, outbox_rows()
    assert message.status == OutboxStatus.PENDING and "timed out" in message.last_error
    assert message.next_attempt_at >= message.claimed_at + timedelta(minutes=1)

    app.config["DEPOT_SMTP_URL"] = smtp_server[0]  # the relay is back (another one)
    row = db.session.get(OutboxMessage, message.id)
    row.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # and the minute is over
    db.session.commit()
    assert wait_for(lambda: smtp_server[1]), "the worker did not try again"
    (again,) = wait_for(lambda: [m for m in outbox_rows() if m.status == OutboxStatus.SENT])
    assert again.attempts == 2 and again.last_error is None
    mail = email.message_from_bytes(smtp_server[1][0][2], policy=policy.default)
    assert quote.number in mail["Subject"] or inspected in mail["Subject"]


def test_the_background_worker_delivers_a_queued_message_within_seconds(
        app, api, tokens, inspected, mail_app):
    loop = worker.start_background(app, poll=600)  # the poll alone would take ten minutes
    assert wait_for(lambda: loop.totals.passes >= 1)  # it has looked once and is waiting
    send_quote(api, tokens, inspected)
    assert wait_for(lambda: mail_app[1]), "the commit did not wake the worker"
    _, recipients, raw = mail_app[1][0]
    assert recipients == ["zs@example.com"]
    assert "非保修产品维修报价单" in email.message_from_bytes(raw, policy=policy.default)["Subject"]
    assert wait_for(lambda: outbox_rows()[0].status == OutboxStatus.SENT)


def test_two_workers_send_every_message_exactly_once(app, mail_app):
    queue(30)
    loops = [worker.DeliveryLoop(app, poll=0.05, batch=4) for _ in range(2)]
    threads = [threading.Thread(target=loop.run, name=f"worker-{i}")
               for i, loop in enumerate(loops)]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: all(m.status == OutboxStatus.SENT for m in outbox_rows()),
                        seconds=30)
    finally:
        for loop in loops:
            loop.stop()
        for thread in threads:
            thread.join(10)
    ids = [email.message_from_bytes(raw)["Message-ID"] for _, _, raw in mail_app[1]]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert sum(loop.totals.sent for loop in loops) == 30
    assert {m.attempts for m in outbox_rows()} == {1}
    db.session.close()


def test_the_thread_starts_with_the_first_request_once_and_never_in_a_command(app, client):
    app.config["DEPOT_OUTBOX_WORKER"] = True
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "current"]).exit_code == 0
    assert runner.invoke(args=["depot", "send-mail"]).exit_code == 0
    assert worker.running(app) is None  # commands deliver (or not) themselves
    assert client.get("/healthz").status_code == 200
    first = worker.running(app)
    assert first is not None and first.thread.daemon and first.thread.is_alive()
    client.get("/healthz")
    assert worker.running(app) is first
    assert worker.start_background(app) is first.loop
    assert [t.name for t in threading.enumerate()].count("depot-outbox") == 1
    worker.stop_background(app)
    assert not first.thread.is_alive() and worker.running(app) is None


def test_off_means_no_thread(app, client):
    assert app.config["DEPOT_OUTBOX_WORKER"] is False  # TestConfig, like DEPOT_OUTBOX_WORKER=off
    client.get("/healthz")
    assert worker.running(app) is None


def test_the_worker_survives_a_database_error(app, mail_app, caplog):
    loop = worker.start_background(app, poll=0.05)
    assert wait_for(lambda: loop.totals.passes >= 1)
    db.session.execute(text("ALTER TABLE outbox RENAME TO outbox_away"))
    db.session.commit()
    try:
        with caplog.at_level(logging.ERROR, logger="depot.worker"):
            assert wait_for(lambda: loop.totals.errors >= 2)
    finally:
        db.session.execute(text("ALTER TABLE outbox_away RENAME TO outbox"))
        db.session.commit()
    if db.engine.dialect.name == "sqlite":  # "no such table" is an OperationalError: one line
        assert "mail delivery waits" in caplog.text and "no Depot tables" in caplog.text
    else:  # PostgreSQL's UndefinedTable is a ProgrammingError: logged with its traceback
        assert "outbox pass failed" in caplog.text
    assert worker.running(app) is not None  # still there
    queue(1)
    assert wait_for(lambda: mail_app[1]), "the worker did not go on after the error"


def test_flask_depot_worker_runs_as_its_own_process_until_sigterm(app, database_url,
                                                                   smtp_server, tmp_path):
    queue(2)
    db.session.remove()
    env = {**os.environ, "FLASK_APP": "app.py", "DEPOT_DATABASE_URL": database_url,
           "DEPOT_INSTANCE_PATH": str(tmp_path / "worker"), "DEPOT_SMTP_URL": smtp_server[0],
           "DEPOT_SECRET_KEY": "worker-test-secret-of-more-than-32-bytes"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "depot", "worker", "--poll", "1"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: len(smtp_server[1]) == 2, seconds=120), "nothing delivered"
        assert process.poll() is None  # still running, waiting for more
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "sent 2, failed 0" in out
    assert {m.status for m in outbox_rows()} == {OutboxStatus.SENT}


def test_flask_depot_worker_once_or_for_max_seconds_and_gives_signals_back(app, mail_app):
    before = signal.getsignal(signal.SIGTERM)
    runner = app.test_cli_runner()
    queue(3)
    once = runner.invoke(args=["depot", "worker", "--once"])
    assert once.exit_code == 0, once.output
    assert "sent 3, failed 0, database errors 0" in once.output and len(mail_app[1]) == 3
    queue(1)
    timed = runner.invoke(args=["depot", "worker", "--max-seconds", "0.5", "--poll", "0.1"])
    assert timed.exit_code == 0, timed.output
    assert "sent 1, failed 0" in timed.output and len(mail_app[1]) == 4
    assert signal.getsignal(signal.SIGTERM) is before


def test_send_mail_can_queue_again_what_was_given_up(app, mail_app):
    queue(1)
    message = db.session.scalars(select(OutboxMessage)).one()
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, 10, "gone"
    db.session.commit()
    runner = app.test_cli_runner()
    assert "sent 0" in runner.invoke(args=["depot", "send-mail"]).output
    result = runner.invoke(args=["depot", "send-mail", "--retry-failed"])
    assert "queued again 1" in result.output and "sent 1" in result.output, result.output
    assert len(mail_app[1]) == 1
