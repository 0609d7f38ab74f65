"""RMA numbers stay unique and gap-free when many clerks take units in at once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from depot.errors import DepotError
from depot.models import Rma, db
from depot.services import intake
from tests.conftest import NOW

WORKERS = 12


def _in_threads(app, jobs):
    """Run each job in its own thread and app context, all released at once."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        with app.app_context():
            barrier.wait()
            try:
                return job()
            except DepotError as exc:
                return exc
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_intake_numbers_are_gap_free(app, make_unit):
    serials = [f"CONC{i:04d}" for i in range(WORKERS)]
    for serial in serials:
        make_unit(serial)
    db.session.remove()

    results = _in_threads(app, [
        (lambda s=s: intake.receive_unit(db.session, s, "no power", [], actor=None,
                                         now=NOW)[0].number)
        for s in serials])

    assert all(isinstance(r, str) for r in results), results
    seqs = sorted(int(r[-6:]) for r in results)
    assert seqs == list(range(1, WORKERS + 1))
    assert len({r for r in results}) == WORKERS


def test_concurrent_repeats_of_one_idempotency_key_create_one_rma(app, make_unit):
    make_unit("IDEM0001")
    make_unit("IDEM0002")
    db.session.remove()

    results = _in_threads(app, [
        (lambda: intake.receive_unit(db.session, "IDEM0001", "", [], idempotency_key="same",
                                     actor=None, now=NOW)[0].number)
        for _ in range(6)])

    assert len(set(results)) == 1, results
    assert db.session.scalars(select(Rma.number)).all() == [results[0]]
    # The refused attempts gave their numbers back: the next one follows on.
    nxt, _ = intake.receive_unit(db.session, "IDEM0002", "", [], actor=None, now=NOW)
    assert int(nxt.number[-6:]) == int(results[0][-6:]) + 1


def test_concurrent_intakes_of_one_unit_open_one_rma(app, make_unit):
    make_unit("TWICE001")
    db.session.remove()

    results = _in_threads(app, [
        (lambda: intake.receive_unit(db.session, "TWICE001", "", [], actor=None,
                                     now=NOW)[0].number)
        for _ in range(4)])

    numbers = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if not isinstance(r, str)]
    assert len(numbers) == 1
    assert all(e.code == "open_rma_exists" for e in refused)


def test_two_technicians_press_at_once_one_wins(app, make_unit):
    from depot.domain.workflow import Action
    from depot.errors import InvalidTransitionError
    from depot.models import RmaEvent
    from depot.services import inspection, repair

    make_unit("RACE0001")
    number = intake.receive_unit(db.session, "RACE0001", "", [], actor=None, now=NOW)[0].number
    inspection.record_inspection(db.session, number, ["no_power"], actor=None, now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR):
        repair.apply_action(db.session, number, action, actor=None, now=NOW)
    db.session.remove()

    results = _in_threads(app, [
        (lambda: repair.apply_action(db.session, number, Action.PASS_QA, actor=None,
                                     now=NOW).status)
        for _ in range(2)])

    wins = [r for r in results if r == "ready_to_ship"]
    losses = [r for r in results if isinstance(r, InvalidTransitionError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].details["status"] == "ready_to_ship"
    passes = db.session.scalars(select(RmaEvent).where(RmaEvent.action == "pass_qa")).all()
    assert len(passes) == 1
