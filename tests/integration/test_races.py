"""Two people change one RMA at the same moment: no lost update, no deadlock, no 500.

For every pair of actions that can meet, both run at once in their own threads (one app
context, session and connection each), many times over, and each trial checks:

* where the two exclude each other, exactly one wins; otherwise the one that can still follow
  does, and the other wins only when it came first;
* the loser is told with a DepotError that answers 409 (InvalidTransitionError or
  ConflictError), never any other exception (a deadlock, an IntegrityError, a stale write);
* what is left is consistent: the events form one chain (each starts where the one before
  ended, the last ends at the RMA's status), one event per successful change, the quote
  versions agree with the RMA's status, the repair clock agrees with the status.

On PostgreSQL half the trials are *held*: a third connection holds the RMA's row lock; one
action starts and, once PostgreSQL shows it waiting for the lock, the other; once both wait,
the row is let go. Both have then read whatever they read before locking while the RMA was
unchanged, and the second runs after the first committed: the very interleaving that lost
updates before the row lock. The order is chosen (each action goes first in a quarter of the
trials), so each held trial has one known right answer, and both orders are always tried. The
other trials run free, released together by a barrier. SQLite serialises whole write
transactions (BEGIN IMMEDIATE), so it gets free trials only, fewer of them.
"""
from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, func, select
from werkzeug.serving import make_server

from depot.domain.quotes import QuoteStatus
from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, DepotError, InvalidTransitionError
from depot.models import (
    OutboxMessage,
    Part,
    PartUse,
    Payment,
    Quote,
    Rma,
    RmaEvent,
    Shipment,
    User,
    db,
)
from depot.services import (
    inspection,
    intake,
    parts,
    payments,
    quote_mail,
    quoting,
    repair,
    shipping,
    users,
)
from depot.services.common import local_date, utcnow
from depot.services.links import quote_token
from depot.services.settings import DepotSettings
from depot.web.errors import status_of
from tests import conftest
from tests.conftest import NOW, PG_URL
from tests.integration.invariants import assert_consistent

TRIALS = 16 if PG_URL else 4
HTTP_TRIALS = 8 if PG_URL else 3
REMINDER_TRIALS = 8 if PG_URL else 3  # each renders the quote's PDF for the mail
WAIT_FOR_LOCKS_S = 30.0  # only a bound on a wait for PostgreSQL to show both waiting
TALLY: dict[str, Counter] = {}  # pair -> outcome counts, printed at the end of the module


# --- running two things at once -------------------------------------------------------------

def _run_in_context(app: Flask, barrier: threading.Barrier, job: Callable[[], object]):
    with app.app_context():
        barrier.wait()
        try:
            return job()
        except Exception as exc:  # noqa: BLE001 - every exception is looked at by _outcome
            exc.trace = traceback.format_exc()
            return exc
        finally:
            db.session.rollback()
            db.session.remove()


def _waiting_for_locks(monitor: sa.Connection) -> int:
    return monitor.exec_driver_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'").scalar()


@dataclass(frozen=True)
class Hold:
    """A held trial: the RMA whose row is held, and which job (0 or 1) gets it first."""

    number: str
    first: int


def held(trial: int, number: str) -> Hold | None:
    """PostgreSQL: trials 0, 4, 8… held with job 0 first, 2, 6, 10… with job 1 first; the odd
    ones, and every trial on SQLite, free."""
    if not PG_URL or trial % 2:
        return None
    return Hold(number, first=(trial // 2) % 2)


@contextmanager
def _row_held(number: str) -> Iterator[Callable[[int], bool]]:
    """PostgreSQL: hold the RMA's row lock from a connection of our own until the block ends;
    yields a function that waits until `n` other sessions are waiting for a lock."""
    holder = db.engine.connect()
    monitor = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    holder.execute(select(Rma.id).where(Rma.number == number).with_for_update())

    def waiting(n: int) -> bool:
        deadline = time.monotonic() + WAIT_FOR_LOCKS_S
        while time.monotonic() < deadline:
            if _waiting_for_locks(monitor) >= n:
                return True
            time.sleep(0.005)
        return False

    try:
        yield waiting
    finally:
        holder.rollback()
        holder.close()
        monitor.close()


def race(app: Flask, jobs: list[Callable[[], object]], *, hold: Hold | None = None) -> list:
    """Run the jobs at once, each in its own thread and app context; return what each returned
    or raised, in the order of `jobs`. Held (PostgreSQL): the jobs start one after the other,
    `hold.first` first, each once the one before waits for the RMA's row lock."""
    db.session.remove()  # the test's own session lets go of its connection and locks
    with ThreadPoolExecutor(len(jobs)) as pool:
        if hold is None:
            barrier = threading.Barrier(len(jobs))
            return list(pool.map(lambda job: _run_in_context(app, barrier, job), jobs))
        order = [hold.first, *(i for i in range(len(jobs)) if i != hold.first)]
        futures: dict[int, Future] = {}
        contended = True
        with _row_held(hold.number) as waiting:
            for queued, index in enumerate(order, 1):
                futures[index] = pool.submit(_run_in_context, app, threading.Barrier(1),
                                             jobs[index])
                if not waiting(queued):
                    contended = False
                    break
        results = [futures[i].result() if i in futures else None for i in range(len(jobs))]
    assert contended, f"the jobs did not all wait for the RMA's lock in turn: {results}"
    return results


def _outcome(result: object) -> bool:
    """True for a success; False for a refusal the client is told about as 409; anything else
    fails the test with its traceback."""
    if not isinstance(result, BaseException):
        return True
    detail = getattr(result, "trace", repr(result))
    assert isinstance(result, InvalidTransitionError | ConflictError), detail
    assert status_of(result) == 409, detail
    return False


def outcomes(pair: str, results: list, *, names: tuple[str, str]) -> tuple[bool, bool]:
    a, b = (_outcome(r) for r in results)
    TALLY.setdefault(pair, Counter())[
        "both" if a and b else names[0] if a else names[1] if b else "neither"] += 1
    return a, b


@pytest.fixture(scope="module", autouse=True)
def _print_tally() -> Iterator[None]:
    yield
    where = "PostgreSQL" if PG_URL else "SQLite"
    for pair, tally in TALLY.items():
        print(f"race {pair} on {where}: {sum(tally.values())} trials, {dict(tally)}")
    if TALLY:
        conftest.SUMMARY.append(
            f"races on {where}: {len(TALLY)} pairs, "
            f"{sum(sum(t.values()) for t in TALLY.values())} trials run "
            f"(outcomes with pytest -s)")
    TALLY.clear()


# --- building RMAs through the services -------------------------------------------------------

class Depot:
    """Makes RMAs in a given state through the services, one fresh unit each."""

    def __init__(self, app: Flask, make_unit, *, now=NOW) -> None:
        self.app, self.make_unit, self.now = app, make_unit, now
        self.settings = DepotSettings.from_config(app.config)
        users.create_user(db.session, "sup.race", "supervisor", now=now)
        self.count = 0

    @staticmethod
    def supervisor() -> User:
        return db.session.scalar(select(User).where(User.username == "sup.race"))

    def received(self) -> str:
        self.count += 1
        serial = f"RACE{self.count:05d}"
        # Bought in June 2026 with 12 months: in warranty all through these tests.
        self.make_unit(serial, purchase_date=date(2026, 6, 1))
        return intake.receive_unit(db.session, serial, "no power", [], actor=None,
                                   now=self.now)[0].number

    def inspected(self, *, covered: bool) -> str:
        number = self.received()
        findings = ["no_power"] if covered else ["shell_damage", "no_power"]
        result = inspection.record_inspection(db.session, number, findings, actor=None,
                                              now=self.now)
        assert result.covered is covered
        return number

    def drafted(self, number: str) -> str:
        return quoting.create_quote(db.session, number, None, tax_rate=None,
                                    policy=self.settings.pricing, actor=None,
                                    now=self.now).number

    def sent(self, number: str, *, valid_days: int | None = None) -> str:
        """A new version drafted and marked sent (without the email, to keep set-up quick)."""
        quote = self.drafted(number)
        quoting.mark_sent(db.session, number, quote,
                          valid_days=valid_days or self.settings.pricing.valid_days,
                          actor=None, now=self.now)
        db.session.commit()
        return quote

    def awaiting(self, *, at=None, valid_days: int | None = None) -> tuple[str, str]:
        """Not covered, its first quote sent: received, inspected and sent at `at`."""
        now, self.now = self.now, at or self.now
        try:
            number = self.inspected(covered=False)
            return number, self.sent(number, valid_days=valid_days)
        finally:
            self.now = now

    def moved(self, number: str, *actions: Action) -> str:
        for action in actions:
            repair.apply_action(db.session, number, action, actor=None, now=self.now)
        return number

    def in_repair(self) -> str:
        return self.moved(self.inspected(covered=True), Action.START_REPAIR)

    def ready_to_ship(self) -> str:
        return self.moved(self.in_repair(), Action.FINISH_REPAIR, Action.PASS_QA)

    def ship(self, number: str):
        serial = db.session.scalar(select(Rma).where(Rma.number == number)).unit.serial
        return shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                             scanned=[serial], packed=[], missing=[], settings=self.settings,
                             actor=None, now=self.now).status

    def quote_id(self, quote_number: str) -> int:
        return db.session.scalar(select(Quote.id).where(Quote.number == quote_number))

    def events(self, number: str) -> int:
        return db.session.scalar(select(func.count(RmaEvent.id)).join(Rma)
                                 .where(Rma.number == number))


@pytest.fixture
def depot(app: Flask, make_unit) -> Depot:
    return Depot(app, make_unit)


def approve(quote_id: int, *, approve_it: bool = True, now=NOW) -> Callable[[], str]:
    return lambda: quoting.answer_quote(db.session, quote_id, quoting.Answer(approve_it),
                                        actor=None, now=now).status


def cancel(number: str) -> Callable[[], str]:
    return lambda: repair.apply_action(db.session, number, Action.CANCEL,
                                       reason="the customer asked", actor=Depot.supervisor(),
                                       now=NOW).status


def bench(number: str, action: Action) -> Callable[[], str]:
    return lambda: repair.apply_action(db.session, number, action, actor=None, now=NOW).status


def override(number: str) -> Callable[[], str]:
    return lambda: inspection.override(db.session, number, reason="goodwill: key account",
                                       covered=True, actor=Depot.supervisor(),
                                       now=NOW).status


# --- what must hold afterwards ---------------------------------------------------------------

def consistent(number: str, events_expected: int) -> Rma:
    """The RMA read afresh, after checking what must agree about it (tests/integration/
    invariants.py) and that it has one event per successful change."""
    db.session.remove()
    rma = db.session.scalar(select(Rma).where(Rma.number == number))
    events = assert_consistent(db.session, rma)
    assert len(events) == events_expected, [(e.action, e.to_status) for e in events]
    return rma


def outbox(number: str, kind: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).join(
        Rma, OutboxMessage.rma_id == Rma.id).where(Rma.number == number,
                                                    OutboxMessage.kind == kind))


def refused(job: Callable[[], object], code: str | None = None) -> None:
    """Done once more, alone, the job is refused with 409 (the link of a quote on a
    cancelled RMA, say)."""
    db.session.remove()
    with pytest.raises(DepotError) as caught:
        job()
    db.session.rollback()
    assert status_of(caught.value) == 409
    if code:
        assert caught.value.code == code


# --- the customer's answer against the supervisor's cancel -----------------------------------

@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_answer_against_cancel(app, depot, decision):
    """The probe's lost update: both answered 200 and the cancelled RMA ended approved."""
    answered = Status.APPROVED if decision == "approve" else Status.DECLINED
    for trial in range(TRIALS):
        number, quote = depot.awaiting()
        qid, base = depot.quote_id(quote), depot.events(number)
        results = race(app, [approve(qid, approve_it=decision == "approve"), cancel(number)],
                       hold=(hold := held(trial, number)))
        answer_ok, cancel_ok = outcomes(f"{decision} vs cancel", results,
                                        names=(decision, "cancel"))
        if hold:  # the answer first: both stand; the cancel first: the answer is refused
            assert answer_ok is (hold.first == 0), (hold, results)
        assert cancel_ok, "a cancel is allowed from awaiting_approval and from the answer"
        rma = consistent(number, base + 1 + answer_ok)
        assert rma.status == Status.CANCELLED
        quote_row = next(q for q in rma.quotes)
        if answer_ok:
            assert results[0] == answered.value
            assert [e.to_status for e in rma.events[-2:]] == [answered, Status.CANCELLED]
            assert quote_row.status == answered.value
        else:
            assert results[1] == Status.CANCELLED
            assert quote_row.status == QuoteStatus.SENT
            assert quote_row.answered_at is None
            refused(approve(qid), "rma_not_waiting")


def test_approve_v1_against_sending_v2(app, depot):
    """The probe's deadlock: v1 approved while v2 is being sent. Exactly one wins: an approved
    RMA with v1 approved and v2 still a draft (never mailed), or v2 sent, v1 superseded."""
    for trial in range(TRIALS):
        number, v1 = depot.awaiting()
        v2 = depot.drafted(number)
        qid, base = depot.quote_id(v1), depot.events(number)
        results = race(app, [
            approve(qid),
            lambda: quote_mail.send_quote(db.session, number, v2, depot.settings, actor=None,
                                          now=NOW)[0].status,
        ], hold=(hold := held(trial, number)))
        approved, sent = outcomes("approve v1 vs send v2", results, names=("approve", "send"))
        if hold:
            assert approved is (hold.first == 0), (hold, results)
        assert approved != sent, results
        rma = consistent(number, base + 1)
        quotes = {q.number: q.status for q in rma.quotes}
        if approved:
            assert rma.status == Status.APPROVED
            assert quotes == {v1: QuoteStatus.APPROVED, v2: QuoteStatus.DRAFT}
            assert outbox(number, "quote_sent") == 0
            assert results[1].code == "invalid_transition"
        else:
            assert rma.status == Status.AWAITING_APPROVAL
            assert quotes == {v1: QuoteStatus.SUPERSEDED, v2: QuoteStatus.SENT}
            assert outbox(number, "quote_sent") == 1
            assert results[0].code == "quote_superseded"


def test_send_against_cancel(app, depot):
    """The probe's resurrection: a quote sent while cancelling brought the RMA back to
    awaiting_approval. Now a cancel always ends the RMA; the quote went out only if the send
    came first, and then its link cannot be answered."""
    for trial in range(TRIALS):
        number = depot.inspected(covered=False)
        quote = depot.drafted(number)
        qid, base = depot.quote_id(quote), depot.events(number)
        results = race(app, [
            lambda: quote_mail.send_quote(db.session, number, quote, depot.settings,
                                          actor=None, now=NOW)[0].status,
            cancel(number),
        ], hold=(hold := held(trial, number)))
        sent, cancelled = outcomes("send vs cancel", results, names=("send", "cancel"))
        if hold:
            assert sent is (hold.first == 0), (hold, results)
        assert cancelled
        rma = consistent(number, base + 1 + sent)
        assert rma.status == Status.CANCELLED and rma.paused_since is None
        assert outbox(number, "quote_sent") == int(sent)
        assert rma.quotes[0].status == (QuoteStatus.SENT if sent else QuoteStatus.DRAFT)
        if sent:
            assert [e.action for e in rma.events[-2:]] == [Action.SEND_QUOTE, Action.CANCEL]
            refused(approve(qid), "rma_not_waiting")


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_answer_against_override(app, depot, decision):
    """An override is allowed only before the customer has answered: it wins only if it came
    first, and the answer always stands."""
    answered = Status.APPROVED if decision == "approve" else Status.DECLINED
    for trial in range(TRIALS):
        number, quote = depot.awaiting()
        qid, base = depot.quote_id(quote), depot.events(number)
        results = race(app, [approve(qid, approve_it=decision == "approve"), override(number)],
                       hold=(hold := held(trial, number)))
        answer_ok, override_ok = outcomes(f"{decision} vs override", results,
                                          names=(decision, "override"))
        if hold:  # the override first: both stand; the answer first: the override is refused
            assert override_ok is (hold.first == 1), (hold, results)
        assert answer_ok
        rma = consistent(number, base + 1 + override_ok)
        assert rma.status == answered
        assert rma.covered is override_ok
        if override_ok:
            assert [e.action for e in rma.events[-2:]] == [Action.OVERRIDE, decision]
        else:
            assert results[1].code == "invalid_transition"


# --- shipping, money, the bench --------------------------------------------------------------

def test_ship_against_cancel(app, depot):
    for trial in range(TRIALS):
        number = depot.ready_to_ship()
        base = depot.events(number)
        results = race(app, [lambda: depot.ship(number), cancel(number)],
                       hold=(hold := held(trial, number)))
        shipped, cancelled = outcomes("ship vs cancel", results, names=("ship", "cancel"))
        if hold:
            assert shipped is (hold.first == 0), (hold, results)
        assert shipped != cancelled, results
        rma = consistent(number, base + 1)
        assert rma.status == (Status.SHIPPED if shipped else Status.CANCELLED)
        assert (rma.shipment is not None) is shipped
        assert outbox(number, "shipped") == int(shipped)
        assert db.session.scalar(select(func.count(Shipment.id))
                                 .where(Shipment.rma_id == rma.id)) == int(shipped)


def test_payment_against_close(app, depot):
    """Money may come until the RMA is closed: a payment wins only if it came first, and is
    then kept; the close always goes through."""
    for trial in range(TRIALS):
        number = depot.ready_to_ship()
        depot.ship(number)
        base = depot.events(number)
        results = race(app, [
            lambda: str(payments.record_payment(db.session, number, Decimal("10.00"), "cash",
                                                "R1", actor=None, now=NOW).amount),
            bench(number, Action.CLOSE),
        ], hold=(hold := held(trial, number)))
        paid, closed = outcomes("payment vs close", results, names=("payment", "close"))
        if hold:
            assert paid is (hold.first == 0), (hold, results)
        assert closed
        rma = consistent(number, base + 1 + paid)
        assert rma.status == Status.CLOSED
        amounts = db.session.scalars(select(Payment.amount).where(Payment.rma_id == rma.id)).all()
        assert amounts == ([Decimal("10.00")] if paid else [])


@pytest.mark.parametrize("first,second", [
    (Action.PASS_QA, Action.PASS_QA),
    (Action.FINISH_REPAIR, Action.WAIT_PARTS),
])
def test_two_technicians(app, depot, first, second):
    for trial in range(TRIALS):
        number = depot.in_repair()
        if first is Action.PASS_QA:
            depot.moved(number, Action.FINISH_REPAIR)
        base = depot.events(number)
        results = race(app, [bench(number, first), bench(number, second)],
                       hold=(hold := held(trial, number)))
        a, b = outcomes(f"{first} vs {second}", results, names=(f"{first}#1", f"{second}#2"))
        if hold:
            assert a is (hold.first == 0), (hold, results)
        assert a != b, results
        rma = consistent(number, base + 1)
        assert rma.status == (results[0] if a else results[1])
        assert (results[1] if a else results[0]).details["status"] == rma.status


def test_use_part_against_cancel(app, depot):
    part = parts.create_part(db.session, "PSU-12V", "电源板", Decimal("35.00"), stock=TRIALS,
                             now=NOW).id
    uses = 0
    for trial in range(TRIALS):
        number = depot.in_repair()
        base = depot.events(number)
        results = race(app, [
            lambda: parts.use_part(db.session, number, "PSU-12V", actor=None,
                                   now=NOW).rma.status,
            cancel(number),
        ], hold=(hold := held(trial, number)))
        used, cancelled = outcomes("use_part vs cancel", results, names=("use_part", "cancel"))
        if hold:
            assert used is (hold.first == 0), (hold, results)
        assert cancelled
        uses += used
        rma = consistent(number, base + 1 + used)
        assert rma.status == Status.CANCELLED
        assert len(rma.part_uses) == int(used)
        assert db.session.get(Part, part).stock == TRIALS - uses


def test_two_benches_take_the_last_part(app, depot):
    """Stock never goes below zero: one RMA gets the part, the other waits for it."""
    parts.create_part(db.session, "LCD-7", "显示屏", Decimal("88.00"), stock=0, now=NOW)
    for trial in range(TRIALS):
        parts.receive_stock(db.session, "LCD-7", 1)
        numbers = [depot.in_repair(), depot.in_repair()]
        results = race(app, [
            (lambda n=n: parts.use_part(db.session, n, "LCD-7", actor=None, now=NOW).rma.status)
            for n in numbers])
        outcomes("use the last part twice", results, names=("first", "second"))
        assert sorted(results) == [Status.AWAITING_PARTS, Status.IN_REPAIR], results
        for number in numbers:
            consistent(number, 4)  # receive, inspect, start_repair, and use_part or wait_parts
        assert db.session.scalar(select(Part.stock).where(Part.part_number == "LCD-7")) == 0
        assert db.session.scalar(select(func.count(PartUse.id)).join(Part).where(
            Part.part_number == "LCD-7")) == trial + 1


# --- the quote job against the customer -------------------------------------------------------

def test_expiry_job_against_approve(app, depot):
    """On the quote's last valid day the customer approves while the job, already past
    midnight, expires it: exactly one wins."""
    last_day = local_date(NOW)
    for trial in range(TRIALS):
        number, quote = depot.awaiting(at=NOW - timedelta(days=15), valid_days=15)
        qid, base = depot.quote_id(quote), depot.events(number)
        assert db.session.get(Quote, qid).valid_until == last_day
        results = race(app, [
            approve(qid),
            lambda: [q.number for q in quoting.expire_and_remind(
                db.session, remind_after_days=3, now=NOW + timedelta(days=1))[0]],
        ], hold=(hold := held(trial, number)))
        approved, _ = (_outcome(r) for r in results)
        assert not isinstance(results[1], BaseException), "the job never fails"
        expired = quote in results[1]
        TALLY.setdefault("approve vs expiry job", Counter())[
            "approve" if approved else "expire" if expired else "neither"] += 1
        if hold:
            assert approved is (hold.first == 0), (hold, results)
        assert approved != expired, results
        rma = consistent(number, base + approved)
        if approved:
            assert rma.status == Status.APPROVED and rma.quotes[0].status == QuoteStatus.APPROVED
        else:
            assert results[0].code == "quote_expired"
            assert rma.status == Status.AWAITING_APPROVAL
            assert rma.quotes[0].status == QuoteStatus.EXPIRED


def _reminder_ready(depot: Depot) -> tuple[str, str, int]:
    """A quote sent four days ago, unanswered: due for a reminder today."""
    number, quote = depot.awaiting(at=NOW - timedelta(days=4))
    return number, quote, depot.quote_id(quote)


def remind_job(depot: Depot) -> Callable[[], list[str]]:
    return lambda: quote_mail.remind(db.session, depot.settings, now=NOW)[1]


def test_reminder_job_against_approve(app, depot):
    """A reminder goes out only for a quote still unanswered when it is queued."""
    for trial in range(REMINDER_TRIALS):
        number, quote, qid = _reminder_ready(depot)
        base = depot.events(number)
        results = race(app, [approve(qid), remind_job(depot)],
                       hold=held(trial, number))
        approved, reminded = outcomes("approve vs reminder job", results,
                                      names=("approve", "remind"))
        assert approved and reminded
        rma = consistent(number, base + 1)
        row = rma.quotes[0]
        assert row.status == QuoteStatus.APPROVED
        assert outbox(number, "quote_reminder") == row.reminders <= 1


def test_approve_between_the_reminder_jobs_two_steps(app, depot):
    """The reminder job picks the due quotes (and commits the expiries), then queues the mails.
    A customer who approves exactly in between gets no reminder for the quote just approved.
    The approval is made to happen there: run from the job's own first commit."""
    number, quote, qid = _reminder_ready(depot)
    db.session.remove()
    answered = []

    def approve_now(session):
        if not answered:  # the first commit only; a thread of its own, as a customer would
            answer = threading.Thread(target=lambda: answered.append(
                _run_in_context(app, threading.Barrier(1), approve(qid))))
            answer.start()
            answer.join()

    def job():
        event.listen(db.session(), "after_commit", approve_now)
        return quote_mail.remind(db.session, depot.settings, now=NOW)[1]

    [due] = race(app, [job])
    assert answered == [Status.APPROVED.value]
    assert not isinstance(due, BaseException), getattr(due, "trace", due)
    row = consistent(number, depot.events(number)).quotes[0]
    assert row.status == QuoteStatus.APPROVED
    assert outbox(number, "quote_reminder") == 0 and row.reminders == 0


def test_two_reminder_jobs_remind_once(app, depot):
    """The job run twice at once (two machines' schedules) reminds each customer once."""
    for trial in range(REMINDER_TRIALS):
        number, quote, qid = _reminder_ready(depot)
        results = race(app, [remind_job(depot), remind_job(depot)],
                       hold=held(trial, number))
        outcomes("reminder job twice", results, names=("first", "second"))
        assert sum(quote in r for r in results) >= 1
        db.session.remove()
        assert outbox(number, "quote_reminder") == 1
        assert db.session.get(Quote, qid).reminders == 1


# --- through HTTP: the web layer's transactions ------------------------------------------------

@pytest.fixture
def live(app: Flask) -> Iterator[str]:
    """The test's app served over HTTP on loopback, a thread per request."""
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        db.session.remove()


def post(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _http_outcome(answer: tuple[int, dict]) -> bool:
    status, body = answer
    assert status in (200, 409), answer
    if status == 409:
        assert body["error"] in ("invalid_transition", "quote_superseded", "rma_not_waiting"), body
    return status == 200


@pytest.fixture
def web_depot(app: Flask, make_unit, tokens) -> Depot:
    """Set up at today's real date: the server answers with its own clock."""
    return Depot(app, make_unit, now=utcnow())


def test_http_approve_link_against_cancel(app, web_depot, tokens, live):
    secret = app.config["SECRET_KEY"]
    for trial in range(HTTP_TRIALS):
        number, quote = web_depot.awaiting()
        row = db.session.scalar(select(Quote).where(Quote.number == quote))
        link = f"{live}/q/{quote_token(secret, quote, row.token_nonce)}/approve"
        base = web_depot.events(number)
        results = race(app, [
            lambda: post(link, {"comment": "请修"}),
            lambda: post(f"{live}/api/v1/rmas/{number}/actions",
                         {"action": "cancel", "reason": "customer called"}, tokens["supervisor"]),
        ], hold=(hold := held(trial, number)))
        approved, cancelled = (_http_outcome(r) for r in results)
        if hold:
            assert approved is (hold.first == 0), (hold, results)
        TALLY.setdefault("HTTP approve vs cancel", Counter())[
            "both" if approved else "cancel"] += 1
        assert cancelled
        rma = consistent(number, base + 1 + approved)
        assert rma.status == Status.CANCELLED
        assert rma.quotes[0].status == (QuoteStatus.APPROVED if approved else QuoteStatus.SENT)
        if not approved:
            db.session.remove()  # SQLite: the test's read would hold the write lock
            again = post(link, {})
            assert again[0] == 409, again


def test_http_approve_v1_against_sending_v2(app, web_depot, tokens, live):
    secret = app.config["SECRET_KEY"]
    for trial in range(HTTP_TRIALS):
        number, v1 = web_depot.awaiting()
        v2 = web_depot.drafted(number)
        row = db.session.scalar(select(Quote).where(Quote.number == v1))
        link = f"{live}/q/{quote_token(secret, v1, row.token_nonce)}/approve"
        base = web_depot.events(number)
        results = race(app, [
            lambda: post(link, {}),
            lambda: post(f"{live}/api/v1/rmas/{number}/quotes/{v2}/send", {},
                         tokens["clerk"]),
        ], hold=(hold := held(trial, number)))
        approved, sent = (_http_outcome(r) for r in results)
        if hold:
            assert approved is (hold.first == 0), (hold, results)
        TALLY.setdefault("HTTP approve v1 vs send v2", Counter())[
            "approve" if approved else "send" if sent else "neither"] += 1
        assert approved != sent, results
        rma = consistent(number, base + 1)
        assert rma.status == (Status.APPROVED if approved else Status.AWAITING_APPROVAL)


# --- exchange (换货) ----------------------------------------------------------------------------

def swap(number: str, serial: str) -> Callable[[], str]:
    from depot.services import exchange

    return lambda: exchange.exchange_unit(db.session, number, serial, reason="dead on arrival",
                                          actor=None, now=NOW).status


def test_exchange_against_cancel(app, depot):
    """The exchange first: both stand (a cancel is allowed from ready_to_ship); the cancel
    first: the exchange is refused and no replacement is promised."""
    from depot.models import Exchange

    for trial in range(TRIALS):
        number = depot.inspected(covered=True)
        base = depot.events(number)
        results = race(app, [swap(number, f"SWAP{trial:04d}"), cancel(number)],
                       hold=(hold := held(trial, number)))
        swapped, cancelled = outcomes("exchange vs cancel", results,
                                      names=("exchange", "cancel"))
        if hold:
            assert swapped is (hold.first == 0), (hold, results)
        assert cancelled
        rma = consistent(number, base + 1 + swapped)
        assert rma.status == Status.CANCELLED
        assert db.session.scalar(select(func.count(Exchange.id))
                                 .where(Exchange.rma_id == rma.id)) == int(swapped)


def test_two_rmas_exchanged_for_one_new_replacement(app, depot):
    """Two benches scan the same new serial as the replacement of two RMAs: one gets it, the
    other is told 409 and its RMA is untouched; the serial is registered once."""
    from depot.models import Exchange, Unit

    for trial in range(TRIALS):
        numbers = [depot.inspected(covered=True), depot.inspected(covered=True)]
        serial = f"TWIN{trial:04d}"
        results = race(app, [swap(n, serial) for n in numbers])
        a, b = outcomes("two exchanges, one replacement", results, names=("first", "second"))
        assert a != b, results
        for number, won in zip(numbers, (a, b)):
            rma = consistent(number, 3 if won else 2)  # receive, inspect (, exchange)
            assert rma.status == (Status.READY_TO_SHIP if won else Status.INSPECTED)
            assert (rma.exchange is not None) is won
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.serial == serial)) == 1
        assert db.session.scalar(select(func.count(Exchange.id)).join(
            Unit, Exchange.replacement_unit_id == Unit.id).where(Unit.serial == serial)) == 1


def test_two_exchanges_of_one_rma(app, depot):
    for trial in range(TRIALS):
        number = depot.inspected(covered=True)
        results = race(app, [swap(number, f"ONE{trial:04d}A"), swap(number, f"ONE{trial:04d}B")],
                       hold=(hold := held(trial, number)))
        a, b = outcomes("exchange vs exchange", results, names=("A", "B"))
        if hold:
            assert a is (hold.first == 0), (hold, results)
        assert a != b, results
        rma = consistent(number, 3)
        assert rma.exchange.replacement.serial == f"ONE{trial:04d}{'A' if a else 'B'}"


def _request(depot: Depot, serial: str, *, model: str | None = None) -> Callable[[], str]:
    from depot.services import requests
    from depot.services.units import CustomerInput

    customer = CustomerInput("陈静", "13912345678", "cj@example.com", "浙江省杭州市文三路90号")
    return lambda: requests.request_rma(db.session, requests.RequestInput(
        serial, "开机无显示", customer, model=model), depot.settings, now=NOW).rma.number


def test_intake_of_a_request_against_its_cancel(app, depot):
    """The unit arrives as its request is cancelled. Intake first: both stand (the request is
    received, then cancelled); the cancel first: the unit still gets an RMA, a new one. Intake
    never fails: the unit is on the clerk's table."""
    for trial in range(TRIALS):
        depot.count += 1
        serial = f"RACE{depot.count:05d}"
        depot.make_unit(serial, purchase_date=date(2026, 6, 1))
        number = _request(depot, serial)()
        results = race(app, [lambda: intake.receive_unit(db.session, serial, "", [], actor=None,
                                                         now=NOW)[0].number, cancel(number)],
                       hold=(hold := held(trial, number)))
        received, cancelled = outcomes("request: intake vs cancel", results,
                                       names=("intake", "cancel"))
        assert received and cancelled, results
        took_request = results[0] == number
        if hold:
            assert took_request is (hold.first == 0), (hold, results)
        rma = consistent(number, 2 + took_request)  # request, (receive,) cancel
        assert rma.status == Status.CANCELLED
        assert (rma.received_on is not None) is took_request
        rmas = db.session.scalars(select(Rma).join(Rma.unit).where(Rma.unit.has(serial=serial))
                                  .order_by(Rma.id)).all()
        assert [r.number for r in rmas][0] == number and len(rmas) == 2 - took_request
        if not took_request:
            assert rmas[1].number == results[0] and rmas[1].status == Status.RECEIVED
            consistent(rmas[1].number, 1)


def test_two_requests_for_one_new_serial(app, depot, make_model):
    """A customer presses twice on a slow phone: one RMA, one unit; the other is told 409."""
    from depot.models import Unit

    make_model("POS-9", "收银机 POS-9", 24)
    for trial in range(TRIALS):
        serial = f"TWINREQ{trial:04d}"
        results = race(app, [_request(depot, serial, model="POS-9"),
                             _request(depot, serial, model="POS-9")])
        a, b = outcomes("two requests, one new serial", results, names=("first", "second"))
        assert a != b, results
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.serial == serial)) == 1
        assert db.session.scalar(select(func.count(Rma.id)).join(Rma.unit)
                                 .where(Rma.unit.has(serial=serial))) == 1
