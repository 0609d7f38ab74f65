"""DEPOT_QA_BY_OTHER: the technician who finished a repair may not pass its QA; the latest
finish counts; off (the default), anyone with the permission may."""
from __future__ import annotations

import pytest

from depot.domain.workflow import Action
from depot.errors import InvalidTransitionError
from depot.models import Rma, RmaEvent, db
from depot.services import repair, users
from tests.conftest import NOW

A = Action


@pytest.fixture
def techs(app):
    return [users.create_user(db.session, name, "technician", now=NOW)[0]
            for name in ("tech.a", "tech.b")]


def repaired_by(flow, serial, tech):
    number = flow.inspected(serial, ("no_power",))
    for action in (A.START_REPAIR, A.FINISH_REPAIR):
        repair.apply_action(db.session, number, action, actor=tech, now=NOW)
    return number


def status(number: str) -> str:
    db.session.expire_all()
    return db.session.query(Rma).filter_by(number=number).one().status


def test_the_finisher_is_refused_and_nothing_is_written(flow, techs):
    a, b = techs
    number = repaired_by(flow, "QA000001", a)
    events = db.session.query(RmaEvent).count()
    with pytest.raises(InvalidTransitionError) as refused:
        repair.apply_action(db.session, number, A.PASS_QA, actor=a, now=NOW, qa_by_other=True)
    assert refused.value.code == "qa_by_other"
    db.session.rollback()
    assert status(number) == "repaired" and db.session.query(RmaEvent).count() == events
    repair.apply_action(db.session, number, A.PASS_QA, actor=b, now=NOW, qa_by_other=True)
    assert status(number) == "ready_to_ship"


def test_off_by_default(flow, techs):
    a, _ = techs
    number = repaired_by(flow, "QA000002", a)
    repair.apply_action(db.session, number, A.PASS_QA, actor=a, now=NOW)
    assert status(number) == "ready_to_ship"


def test_the_latest_finish_counts(flow, techs):
    a, b = techs
    number = repaired_by(flow, "QA000003", a)
    repair.apply_action(db.session, number, A.FAIL_QA, reason="still no power", actor=b, now=NOW,
                        qa_by_other=True)
    repair.apply_action(db.session, number, A.FINISH_REPAIR, actor=b, now=NOW)
    with pytest.raises(InvalidTransitionError):
        repair.apply_action(db.session, number, A.PASS_QA, actor=b, now=NOW, qa_by_other=True)
    db.session.rollback()
    repair.apply_action(db.session, number, A.PASS_QA, actor=a, now=NOW, qa_by_other=True)
    assert status(number) == "ready_to_ship"
