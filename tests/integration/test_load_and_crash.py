"""Load and crash: the real app under gunicorn, a depot's worth of clients, the server killed.

Gunicorn (2 workers) serves the app on the test database (SQLite in WAL mode, as the app sets
it, or the PostgreSQL test database). Client threads work as a depot does for 20 s of service:
clerks register units and take them in (POST /rmas with an Idempotency-Key), technicians move
RMAs along the bench, clerks draft, send and get paid for quotes, customers answer from their
links, logistics ship and close, a supervisor presses buttons on the same RMAs at random (so
changes really meet), two technicians sometimes press one button together, and a scanner looks
things up. After every SERVE_S of service comes a fault: the whole gunicorn process group is
killed with SIGKILL (twice), or a single worker is (once); the server is started again on the
same database and port, and the clients carry on, repeating what they had not been answered (the
same Idempotency-Key) or, for an action whose fate they do not know, reading the RMA again.

Every answer is recorded. At the end, with the server stopped:
* no answer was ever a 5xx (connection errors while the server is down are counted apart),
  and every 4xx was one the client can expect (409 when the status had moved on);
* every acknowledged unit, RMA and action is in the database: for each RMA and action, the
  events number at least the acknowledged ones and at most those plus the attempts whose
  answer was lost (no lost write, no phantom write);
* every RMA is consistent (tests/integration/invariants.py: one chain of events ending at its
  status, quotes agreeing with it, the clock) — no lost update;
* RMA numbers are unique and gap-free (RMA-YYYY-000001 … N, the counter at N), every answer for
  one Idempotency-Key named the same RMA, and no RMA exists that no client asked for.

The figures are printed, shown in the terminal summary and kept in the pytest cache
(.pytest_cache/v/depot/load_and_crash_<database>).
"""
from __future__ import annotations

import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from depot.config import ROOT
from depot.models import Rma, RmaCounter, Unit, db
from depot.services import catalog
from depot.services.intake import rma_number
from depot.services.links import quote_token
from tests import conftest
from tests.conftest import NOW, PG_URL
from tests.integration.invariants import assert_consistent

SERVE_S = 5.0               # of service before each fault and after the last one
FAULTS = ("group", "worker", "group")  # SIGKILL the whole process group, or one worker
START_TIMEOUT_S = 120.0     # a bound on gunicorn coming up on a busy machine
CLIENT_TIMEOUT_S = 60.0
SECRET = "load-and-crash-secret-" + "0123456789abcdef" * 2
MODEL = "LD-100"
BENCH_ACTIONS = ("start_repair", "finish_repair", "pass_qa", "fail_qa", "wait_parts", "resume")


# --- the server ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Gunicorn:
    """`gunicorn -w 2 app:app` in a process group of its own, on a fixed port."""

    def __init__(self, database_url: str, instance: Path, log: Path) -> None:
        self.port = _free_port()
        self.base = ("127.0.0.1", self.port)
        self.log = log
        self.env = {**os.environ, "DEPOT_DATABASE_URL": database_url,
                    "DEPOT_INSTANCE_PATH": str(instance), "DEPOT_SECRET_KEY": SECRET,
                    "DEPOT_PUBLIC_URL": f"http://127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}",
                 "--timeout", "120", "app:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.tail()}"
            try:
                conn = http.client.HTTPConnection(*self.base, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer /healthz: {self.tail()}")

    def kill_group(self) -> None:
        """SIGKILL the master and its workers at once: a power cut, as far as the app knows."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def kill_worker(self) -> bool:
        workers = _children(self.process.pid)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
        return bool(workers)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


# --- what the clients saw --------------------------------------------------------------------

class Ledger:
    """Every answer and every acknowledged write, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.connection_errors = 0
        self.server_errors: list[str] = []   # any 5xx: must stay empty
        self.problems: list[str] = []        # answers no client should get
        self.units: set[str] = set()
        self.keys: set[str] = set()          # every Idempotency-Key sent
        self.answers: dict[str, list[str]] = defaultdict(list)  # Idempotency-Key -> numbers
        self.retried_keys: set[str] = set()  # answered after a lost answer
        self.retried_found = 0               # … with 200: the lost try had created the RMA
        self.repeats = 0                     # deliberate repeats of an answered key
        self.rmas: list[str] = []            # acknowledged RMA numbers, in order
        self.acks: dict[str, Counter[str]] = defaultdict(Counter)
        self.unknown: dict[str, Counter[str]] = defaultdict(Counter)
        self.scans = 0
        self.double_presses = 0

    def answered(self, method: str, path: str, status: int, body: dict) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {method} {path}: {body}")

    def ok(self) -> int:
        with self.lock:
            return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    def lost(self) -> None:
        with self.lock:
            self.connection_errors += 1

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def ack(self, number: str, action: str) -> None:
        with self.lock:
            self.acks[number][action] += 1

    def unknown_outcome(self, number: str, action: str) -> None:
        with self.lock:
            self.unknown[number][action] += 1

    def some_rma(self, recent: int = 25) -> str | None:
        with self.lock:
            return random.choice(self.rmas[-recent:]) if self.rmas else None


class Client:
    """One HTTP request per connection; None when no answer came (server down or killed)."""

    def __init__(self, base: tuple[str, int], ledger: Ledger) -> None:
        self.base, self.ledger = base, ledger

    def call(self, method: str, path: str, body: object = None, *, token: str | None = None,
             headers: dict | None = None) -> tuple[int, dict] | None:
        data = None if body is None else json.dumps(body).encode()
        sent = {"Accept": "application/json", "Accept-Language": "en", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection(*self.base, timeout=CLIENT_TIMEOUT_S)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.ledger.lost()
            time.sleep(0.1)  # the server is probably down: do not spin
            return None
        finally:
            conn.close()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {"body": raw[:300].decode(errors="replace")}
        self.ledger.answered(method, path, response.status, payload)
        return response.status, payload


# --- the depot at work -----------------------------------------------------------------------

class Depot:
    """The client threads: what each role does, and what it records."""

    def __init__(self, client: Client, ledger: Ledger, tokens: dict[str, str],
                 database_url: str, stop: threading.Event) -> None:
        self.http, self.ledger, self.tokens, self.stop = client, ledger, tokens, stop
        self.bench: queue.Queue = queue.Queue()
        self.customers: queue.Queue = queue.Queue()
        self.reader = sa.create_engine(database_url)  # a customer reads the link from a mail
        self.errors: list[str] = []

    def run(self, name: str, loop: Callable[[], None]) -> threading.Thread:
        def body() -> None:
            try:
                while not self.stop.is_set():
                    loop()
            except Exception as exc:  # noqa: BLE001 - a client bug must fail the test
                import traceback
                self.errors.append(f"{name}: {exc!r}\n{traceback.format_exc()}")

        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        return thread

    # clerks at intake
    def intake(self, clerk: int) -> Callable[[], None]:
        count = iter(range(1, 10**6))

        def loop() -> None:
            i = next(count)
            serial = f"LD{clerk}{i:05d}"
            if not self._register(serial):
                return
            key = f"load-{clerk}-{i}-{uuid.uuid4().hex[:8]}"
            number = self._take_in(serial, key, repeat=i % 4 == 0)
            if number:
                self.bench.put((number, serial))

        return loop

    def _register(self, serial: str) -> bool:
        bought = (datetime.now(UTC) - timedelta(days=60)).date().isoformat()
        body = {"serial": serial, "model": MODEL, "purchase_date": bought,
                "customer": {"name": "王五", "phone": "13900000000",
                             "email": "ww@example.com", "address": "上海市徐汇区漕溪北路1号"}}
        lost = False
        while not self.stop.is_set():
            answer = self.http.call("POST", "/api/v1/units", body, token=self.tokens["clerk"])
            if answer is None:
                lost = True
                continue
            status, payload = answer
            if status == 201 or (status == 409 and lost and payload.get("error") == "unit_exists"):
                with self.ledger.lock:
                    self.ledger.units.add(serial)
                return True
            self.ledger.problem(f"POST /units {serial}: {status} {payload}")
            return False
        return False

    def _take_in(self, serial: str, key: str, *, repeat: bool) -> str | None:
        body = {"serial": serial, "fault_description": "不开机 no power", "accessories": []}
        headers = {"Idempotency-Key": key}
        lost = False
        with self.ledger.lock:
            self.ledger.keys.add(key)
        while not self.stop.is_set():
            answer = self.http.call("POST", "/api/v1/rmas", body, token=self.tokens["clerk"],
                                    headers=headers)
            if answer is None:
                lost = True
                continue
            status, payload = answer
            if status not in (200, 201) or (status == 200 and not lost):
                self.ledger.problem(f"POST /rmas {key}: {status} {payload}")
                return None
            number = payload["number"]
            with self.ledger.lock:
                self.ledger.answers[key].append(number)
                self.ledger.rmas.append(number)
                if lost:
                    self.ledger.retried_keys.add(key)
                    self.ledger.retried_found += status == 200
            self.ledger.ack(number, "receive")
            if repeat:  # the clerk presses again: the same RMA, nothing created
                again = self.http.call("POST", "/api/v1/rmas", body,
                                       token=self.tokens["clerk"], headers=headers)
                if again is not None:
                    with self.ledger.lock:
                        self.ledger.repeats += 1
                        self.ledger.answers[key].append(again[1].get("number", f"{again}"))
                    if again[0] != 200:
                        self.ledger.problem(f"repeat of {key}: {again}")
            return number
        return None

    # technicians, clerks and logistics along the bench
    def bench_worker(self) -> None:
        try:
            item = self.bench.get(timeout=0.2)
        except queue.Empty:
            return
        if not self._step(*item):
            self.bench.put(item)

    def _act(self, number: str, action: str, path: str, body: object, role: str) -> int | None:
        """Ask for a change and record what came of it; the answer's status code, or None."""
        answer = self.http.call("POST", path, body, token=self.tokens[role])
        if answer is None:
            self.ledger.unknown_outcome(number, action)
            return None
        if 200 <= answer[0] < 300:
            self.ledger.ack(number, action)
        elif answer[0] != 409:
            self.ledger.problem(f"{action} on {number}: {answer}")
        return answer[0]

    def _press_twice(self, number: str, action: str) -> None:
        """Two technicians press the same button at the same moment: one wins, one is told
        (both are told when the supervisor got there first)."""
        answers: list[int | None] = []
        press = lambda: answers.append(self._act(  # noqa: E731
            number, action, f"/api/v1/rmas/{number}/actions", {"action": action}, "technician"))
        other = threading.Thread(target=press)
        other.start()
        press()
        other.join()
        with self.ledger.lock:
            self.ledger.double_presses += 1
        if answers.count(200) > 1 or not set(answers) <= {200, 409, None}:
            self.ledger.problem(f"{action} pressed twice on {number}: {answers}")

    def _step(self, number: str, serial: str) -> bool:
        """One move of the RMA along the bench; True when the bench is done with it."""
        answer = self.http.call("GET", f"/api/v1/rmas/{number}", token=self.tokens["technician"])
        if answer is None:
            return False
        status_code, rma = answer
        if status_code != 200:
            self.ledger.problem(f"GET {number}: {answer}")
            return True
        status, base = rma["status"], f"/api/v1/rmas/{number}"
        covered = int(serial[-5:]) % 3 != 0  # a third are man-made damage: quoted
        def bench(action: str) -> None:
            if random.random() < 0.3:
                self._press_twice(number, action)
            else:
                self._act(number, action, f"{base}/actions", {"action": action}, "technician")

        if status == "received":
            self._act(number, "inspect", f"{base}/inspection",
                      {"findings": ["no_power"] if covered else ["shell_damage"]}, "technician")
        elif status == "inspected" and rma["covered"]:
            bench("start_repair")
        elif status in ("inspected", "awaiting_approval"):
            live = [q for q in rma["quotes"] if q["status"] in ("draft", "sent")]
            if live and live[-1]["status"] == "sent":
                self.customers.put((number, serial, live[-1]["number"]))
                return True
            if live:
                self._act(number, "send_quote", f"{base}/quotes/{live[-1]['number']}/send", {},
                          "clerk")
            else:
                self._act(number, "create_quote", f"{base}/quotes", {}, "clerk")
        elif status == "approved":
            bench("start_repair")
        elif status == "in_repair":
            bench("wait_parts" if random.random() < 0.2 else "finish_repair")
        elif status == "awaiting_parts":
            bench("resume")
        elif status == "repaired":
            bench("pass_qa")
        elif status == "declined":
            bench("return_unrepaired")
        elif status == "ready_to_ship" and Decimal(rma["outstanding"]) > 0:
            self._act(number, "payment", f"{base}/payments",
                      {"amount": rma["outstanding"], "method": "bank_transfer",
                       "reference": number}, "clerk")
        elif status == "ready_to_ship":
            self._act(number, "ship", f"{base}/shipment",
                      {"carrier": "SF", "tracking_number": f"SF{number[-6:]}{number[4:8]}",
                       "scanned": [serial, number], "accessories": [], "missing": []},
                      "logistics")
        elif status == "shipped":
            self._act(number, "close", f"{base}/actions", {"action": "close"}, "logistics")
        else:  # closed, cancelled
            return True
        return False

    # customers answering from their links
    def customer(self) -> None:
        try:
            number, serial, quote = self.customers.get(timeout=0.2)
        except queue.Empty:
            return
        with self.reader.connect() as conn:
            nonce = conn.execute(sa.text("SELECT token_nonce FROM quotes WHERE number = :q"),
                                 {"q": quote}).scalar_one()
        decision = "decline" if random.random() < 0.15 else "approve"
        link = f"/q/{quote_token(SECRET, quote, nonce)}/{decision}"
        answer = self.http.call("POST", link, {"comment": "好的"})
        if answer is None:
            self.ledger.unknown_outcome(number, decision)
            self.customers.put((number, serial, quote))  # ask again once the page is back
            return
        if answer[0] == 200:
            self.ledger.ack(number, decision)
        elif answer[0] != 409:  # 409: cancelled meanwhile, or answered by a lost try
            self.ledger.problem(f"{decision} {quote}: {answer}")
        self.bench.put((number, serial))

    # a supervisor pressing buttons on the RMAs the benches are working on
    def meddler(self) -> None:
        number = self.ledger.some_rma()
        if number is None:
            time.sleep(0.1)
            return
        action = "cancel" if random.random() < 0.04 else random.choice(BENCH_ACTIONS)
        self._act(number, action, f"/api/v1/rmas/{number}/actions",
                  {"action": action, "reason": "load test"}, "supervisor")
        time.sleep(0.05)

    # a scanner looking things up
    def scanner(self) -> None:
        number = self.ledger.some_rma(recent=200)
        if number is None:
            time.sleep(0.1)
            return
        answer = self.http.call("POST", "/api/v1/scans", {"text": number},
                                token=self.tokens["technician"])
        if answer is not None:
            with self.ledger.lock:
                self.ledger.scans += 1
            found = (answer[1].get("rma") or {}).get("number")
            if answer[0] != 200 or found != number:
                self.ledger.problem(f"scan of {number}: {answer}")
        time.sleep(0.05)


# --- the test --------------------------------------------------------------------------------

@pytest.fixture
def gunicorn(database_url: str, tmp_path: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(database_url, tmp_path / "gunicorn-instance", tmp_path / "gunicorn.log")
    try:
        yield server
    finally:
        server.stop()


def _verify(ledger: Ledger) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Check the database against what the clients were told: (figures, what went wrong)."""
    session = db.session
    session.remove()
    lost_writes: list[str] = []
    lost_updates: list[str] = []
    phantoms: list[str] = []

    stored_units = set(session.scalars(select(Unit.serial)).all())
    lost_writes += [f"unit {s}" for s in sorted(ledger.units - stored_units)]

    rmas = {r.number: r for r in session.scalars(select(Rma).order_by(Rma.id))}
    keys = {r.idempotency_key: r.number for r in rmas.values()}
    for key, numbers in ledger.answers.items():
        assert len(set(numbers)) == 1, f"answers for one Idempotency-Key differ: {key} {numbers}"
        if keys.get(key) != numbers[0]:
            lost_writes.append(f"{numbers[0]} ({key})")
    acknowledged = set(ledger.rmas)
    unanswered = [n for n in rmas if n not in acknowledged]  # the clerk gave up at the end
    phantoms += [f"{n} (key {rmas[n].idempotency_key})" for n in unanswered
                 if rmas[n].idempotency_key not in ledger.keys]

    for year in {r.year for r in rmas.values()}:
        seqs = sorted(r.seq for r in rmas.values() if r.year == year)
        assert seqs == list(range(1, len(seqs) + 1)), f"RMA numbers of {year} have gaps"
        assert session.get(RmaCounter, year).last == len(seqs)
    assert all(r.number == rma_number(r.year, r.seq) for r in rmas.values())

    checked = 0
    for number, rma in rmas.items():
        try:
            events = assert_consistent(session, rma)
        except AssertionError as exc:
            lost_updates.append(f"{number}: {exc}")
            continue
        written = Counter(e.action for e in events)
        acks, unknown = ledger.acks.get(number, Counter()), ledger.unknown.get(number, Counter())
        if number not in acknowledged:
            unknown = unknown + Counter(receive=1)
        for action in set(written) | set(acks) | set(unknown):
            if written[action] < acks[action]:
                lost_writes.append(f"{number} {action}: {acks[action]} acknowledged, "
                                   f"{written[action]} written")
            if written[action] > acks[action] + unknown[action]:
                phantoms.append(f"{number} {action}: {written[action]} written, "
                                f"{acks[action]} acknowledged, {unknown[action]} unanswered")
        checked += sum(acks.values())
    session.remove()
    return ({"rmas_stored": len(rmas), "rmas_never_answered": len(unanswered),
             "writes_checked": checked + len(ledger.units), "lost_writes": len(lost_writes),
             "lost_updates": len(lost_updates), "phantom_writes": len(phantoms)},
            {"lost writes": lost_writes, "lost updates": lost_updates,
             "writes nobody was told of": phantoms})


def test_load_and_crash(app, tokens, gunicorn, database_url, request):
    catalog.create_model(db.session, MODEL, "考勤机 LD-100", 12, now=NOW)
    db.session.remove()
    ledger, stop = Ledger(), threading.Event()
    gunicorn.start()
    depot = Depot(Client(gunicorn.base, ledger), ledger, tokens, database_url, stop)
    threads = [depot.run("clerk-1", depot.intake(1)), depot.run("clerk-2", depot.intake(2)),
               depot.run("bench-1", depot.bench_worker), depot.run("bench-2", depot.bench_worker),
               depot.run("customer", depot.customer), depot.run("supervisor", depot.meddler),
               depot.run("scanner", depot.scanner)]
    started = time.monotonic()
    faults, downtime = Counter(), 0.0
    for kind in FAULTS:  # each after SERVE_S of service
        time.sleep(SERVE_S)
        if kind == "group":
            down = time.monotonic()
            gunicorn.kill_group()
            gunicorn.start()  # on the same database, the same port
            faults["group_kills"] += 1
            downtime += time.monotonic() - down
            before_last_start = ledger.ok()
        elif gunicorn.kill_worker():
            faults["worker_kills"] += 1
    time.sleep(SERVE_S)
    stop.set()
    for thread in threads:
        thread.join(timeout=CLIENT_TIMEOUT_S + 10)
    elapsed = time.monotonic() - started
    gunicorn.stop()
    depot.reader.dispose()
    assert not depot.errors, depot.errors

    where = "postgresql" if PG_URL else "sqlite"
    figures = {
        "database": where, "seconds": round(elapsed, 1),
        "requests": sum(ledger.statuses.values()) + ledger.connection_errors,
        "answered_2xx": ledger.ok(),
        "answered_2xx_after_last_restart": ledger.ok() - before_last_start,
        "answered_409": ledger.statuses[409],
        "answered_other_4xx": sum(n for s, n in ledger.statuses.items()
                                  if 400 <= s < 500 and s != 409),
        "answered_5xx": len(ledger.server_errors),
        "connection_errors": ledger.connection_errors,
        "group_kills": faults["group_kills"], "worker_kills": faults["worker_kills"],
        "server_starts": gunicorn.starts, "seconds_down": round(downtime, 1),
        "rmas_acknowledged": len(ledger.rmas), "units_acknowledged": len(ledger.units),
        "keys_retried_after_lost_answer": len(ledger.retried_keys),
        "retries_answered_with_the_first_rma": ledger.retried_found,
        "deliberate_repeats": ledger.repeats, "double_presses": ledger.double_presses,
        "scans": ledger.scans,
        "actions_acknowledged": sum(sum(c.values()) for c in ledger.acks.values()),
        "actions_unanswered": sum(sum(c.values()) for c in ledger.unknown.values()),
    }
    try:
        assert not ledger.server_errors, f"5xx answers: {ledger.server_errors[:10]}\n" \
                                         f"{gunicorn.tail()}"
        assert not ledger.problems, f"unexpected answers: {ledger.problems[:10]}"
        found, wrong = _verify(ledger)
        figures.update(found)
        for what, items in wrong.items():
            assert not items, f"{what}: {items[:20]}"
    finally:  # the figures, whatever the outcome
        line = f"load and crash on {where}: " + ", ".join(
            f"{k}={v}" for k, v in figures.items() if k != "database")
        print(line)
        conftest.SUMMARY.append(line)
        if getattr(request.config, "cache", None) is not None:  # unless -p no:cacheprovider
            request.config.cache.set(f"depot/load_and_crash_{where}", figures)
    # The run did what it is for: the server was killed with work in flight, clients lost
    # answers and repeated them, and work went on after each restart.
    assert figures["group_kills"] == FAULTS.count("group") and gunicorn.starts == 3
    assert figures["answered_2xx_after_last_restart"] > 0
    assert figures["connection_errors"] > 0 and figures["answered_409"] > 0
    assert figures["rmas_acknowledged"] > 0 and figures["actions_acknowledged"] > 0
