"""Complaints (投诉) on a real session: numbers, routing, links, the machine, the mail."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from depot.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.models import Complaint, ComplaintEvent, OutboxMessage, db
from depot.services import complaints
from depot.services.complaints import ComplainantInput
from tests.conftest import NOW
from tests.integration.conftest import count


def register(actor, kind="other", description="等太久了", channel="phone", **kw):
    return complaints.register_complaint(db.session, kind=kind, description=description,
                                         channel=channel, actor=actor, now=NOW, **kw)


def act(number, action, actor, settings, note="", outcome=None, now=NOW):
    return complaints.apply_action(db.session, number, action, note=note, outcome=outcome,
                                   settings=settings, actor=actor, now=now)


def test_numbers_are_gap_free_and_a_refused_one_takes_none(staff):
    first = register(staff.clerk)
    with pytest.raises(InvalidInputError):
        register(staff.clerk, kind="refund")
    with pytest.raises(NotFoundError):
        register(staff.clerk, rma="RMA-2026-999999")
    second = register(staff.technician, kind="product_quality")
    assert (first.number, second.number) == ("CMP-2026-000001", "CMP-2026-000002")
    assert count(Complaint) == 2


@pytest.mark.parametrize(("kind", "team"), [
    ("product_quality", "engineering"), ("packaging_transport", "logistics"),
    ("staff_conduct", "customer_service"), ("damage_verdict", "supervisor"),
    ("other", "customer_service")])
def test_each_kind_lands_in_its_teams_queue(staff, kind, team):
    made = register(staff.clerk, kind=kind)
    assert made.team == team and made.status == "open"
    assert [c.number for c in complaints.list_complaints(db.session, team=team)] == [made.number]


def test_a_complaint_about_an_rma_takes_its_unit_and_customer(flow, staff):
    number = flow.received("CMP0001")
    made = register(staff.clerk, rma=number.lower())
    assert made.rma.number == number and made.unit.serial == "CMP0001"
    assert (made.customer_name, made.customer_email) == ("张三", "zs@example.com")
    told = register(staff.clerk, serial="cmp0001",
                    customer=ComplainantInput(name="李四", phone="13700000000"))
    assert told.rma is None and told.unit.serial == "CMP0001"
    assert (told.customer_name, told.customer_phone, told.customer_email) == (
        "李四", "13700000000", "zs@example.com")


def test_an_rma_of_another_unit_is_refused(flow, staff):
    number = flow.received("CMP0002")
    flow.make_unit("CMP0003")
    with pytest.raises(InvalidInputError) as refused:
        register(staff.clerk, rma=number, serial="CMP0003")
    assert refused.value.code == "rma_serial_mismatch"
    assert count(Complaint) == 0


@pytest.mark.parametrize("description", ["", "   ", "x" * 4001])
def test_an_empty_or_overlong_description_is_refused(staff, description):
    with pytest.raises(InvalidInputError):
        register(staff.clerk, description=description)
    assert count(Complaint) == 0


def test_html_is_kept_as_typed(staff):
    made = register(staff.clerk, description="<script>alert(1)</script> & <b>坏了</b>")
    db.session.expire_all()
    assert complaints.get_complaint(db.session, made.number).description == (
        "<script>alert(1)</script> & <b>坏了</b>")


def test_the_life_of_a_complaint_one_event_per_change(flow, staff, settings):
    number = flow.received("CMP0004")
    made = register(staff.clerk, rma=number)
    act(made.number, "start", staff.technician, settings)
    assert complaints.get_complaint(db.session, made.number).holder.username == "technician.one"
    resolved = act(made.number, "resolve", staff.technician, settings, note="换了电源适配器")
    assert resolved.status == "resolved" and resolved.resolution == "换了电源适配器"
    act(made.number, "reopen", staff.supervisor, settings, note="客户又打电话")
    act(made.number, "resolve", staff.clerk, settings, note="上门更换")
    closed = act(made.number, "close", staff.supervisor, settings)
    events = db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == closed.id).order_by(ComplaintEvent.id)).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("register", None, "open"), ("start", "open", "in_progress"),
        ("resolve", "in_progress", "resolved"), ("reopen", "resolved", "in_progress"),
        ("resolve", "in_progress", "resolved"), ("close", "resolved", "closed")]
    assert [e.note for e in events][2:4] == ["换了电源适配器", "客户又打电话"]
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "complaint_resolved")).all()
    assert [m.recipient for m in mails] == ["zs@example.com", "zs@example.com"]
    assert mails[0].rma_id == closed.rma_id


def test_illegal_moves_change_nothing(staff, settings):
    made = register(staff.clerk)
    for action in ("reopen", "close"):
        with pytest.raises(InvalidTransitionError):
            act(made.number, action, staff.supervisor, settings)
    act(made.number, "resolve", staff.clerk, settings, note="done")
    for action in ("start", "resolve"):
        with pytest.raises(InvalidTransitionError):
            act(made.number, action, staff.clerk, settings, note="again")
    assert count(ComplaintEvent) == 2
    assert complaints.get_complaint(db.session, made.number).status == "resolved"


def test_a_resolution_without_a_note_changes_nothing(staff, settings):
    made = register(staff.clerk)
    with pytest.raises(InvalidInputError) as refused:
        act(made.number, "resolve", staff.clerk, settings, note="  ")
    assert refused.value.details["field"] == "note"
    assert complaints.get_complaint(db.session, made.number).status == "open"
    assert count(OutboxMessage) == 0


def test_reopen_and_close_are_a_supervisors(staff, settings):
    made = register(staff.clerk)
    act(made.number, "resolve", staff.clerk, settings, note="done")
    for actor in (staff.clerk, staff.technician, staff.logistics):
        for action in ("reopen", "close"):
            with pytest.raises(PermissionDeniedError):
                act(made.number, action, actor, settings)
    assert complaints.get_complaint(db.session, made.number).status == "resolved"


def test_an_unknown_action_is_invalid_input(staff, settings):
    made = register(staff.clerk)
    for action in ("escalate", "register"):
        with pytest.raises(InvalidInputError) as refused:
            act(made.number, action, staff.clerk, settings, note="x")
        assert refused.value.code == "unknown_action"


def test_a_dispute_is_resolved_by_a_supervisor_with_an_outcome(flow, staff, settings):
    number, _ = flow.sent("CMP0005")
    made = register(staff.clerk, kind="damage_verdict", rma=number)
    with pytest.raises(PermissionDeniedError):
        act(made.number, "resolve", staff.technician, settings, note="看过照片",
            outcome="upheld")
    with pytest.raises(InvalidInputError) as refused:
        act(made.number, "resolve", staff.supervisor, settings, note="看过照片")
    assert refused.value.details["field"] == "outcome"
    done = act(made.number, "resolve", staff.supervisor, settings, note="外壳裂痕是摔的",
               outcome="upheld")
    assert (done.status, done.outcome) == ("resolved", "upheld")
    assert done.rma.status == "awaiting_approval"  # upheld changes nothing
    assert done.events[-1].outcome == "upheld"


def test_the_age_counts_working_days_on_the_china_calendar(staff):
    # Registered Fri 2026-09-25 (Mid-Autumn, off); Sat 26 and Sun 27 off; Mon 28 to Wed 30
    # working, Oct 1-7 the National Day holiday, Thu 8 working.
    monday = NOW.replace(year=2026, month=9, day=25)
    made = complaints.register_complaint(db.session, kind="other", description="x",
                                         channel="fax", actor=staff.clerk, now=monday)
    day = monday.date()
    assert complaints.ages(db.session, [made], day)[made.id] == 0
    assert complaints.ages(db.session, [made], day + timedelta(days=5))[made.id] == 3
    assert complaints.ages(db.session, [made], day + timedelta(days=13))[made.id] == 4


def test_an_overturned_verdict_covers_the_repair_and_withdraws_the_quote(flow, staff,
                                                                         settings):
    number, quote_number = flow.sent("CMP0006", now=NOW - timedelta(days=7))
    made = register(staff.clerk, kind="damage_verdict", rma=number)
    done = act(made.number, "resolve", staff.supervisor, settings, note="裂纹为材料缺陷",
               outcome="overturned")
    rma = done.rma
    assert (done.status, done.outcome) == ("resolved", "overturned")
    assert rma.status == "inspected" and rma.covered is True
    assert rma.coverage_reasons[-1]["code"] == "override"
    assert rma.coverage_reasons[-1]["params"]["reason"] == "裂纹为材料缺陷"
    assert [q.status for q in rma.quotes] == ["withdrawn"]
    assert rma.paused_since is None and rma.paused_working_days > 0
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status) == (
        "overturn", "awaiting_approval", "inspected")
    with pytest.raises(InvalidTransitionError) as answered:
        flow.answer(quote_number)
    assert answered.value.code == "quote_withdrawn"
    flow.repaired_and_checked(number)  # start_repair is allowed: covered now
    assert complaints.get_complaint(db.session, made.number).rma.status == "ready_to_ship"


def test_overturning_needs_an_rma_waiting_for_its_answer(flow, staff, settings):
    number = flow.inspected("CMP0007")  # no quote sent: nothing to overturn
    made = register(staff.clerk, kind="damage_verdict", rma=number)
    with pytest.raises(InvalidTransitionError):
        act(made.number, "resolve", staff.supervisor, settings, note="x", outcome="overturned")
    loose = register(staff.clerk, kind="damage_verdict")
    with pytest.raises(InvalidInputError) as refused:
        act(loose.number, "resolve", staff.supervisor, settings, note="x", outcome="overturned")
    assert refused.value.code == "rma_required"
    assert {c.status for c in complaints.list_complaints(db.session)} == {"open"}
    assert complaints.get_complaint(db.session, made.number).rma.covered is False


@pytest.mark.parametrize("statement", ["UPDATE complaint_events SET note = 'rewritten'",
                                       "DELETE FROM complaint_events"])
def test_the_database_refuses_to_rewrite_a_complaints_history(staff, settings, statement):
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    made = register(staff.clerk)
    act(made.number, "resolve", staff.clerk, settings, note="回电")
    with pytest.raises(IntegrityError, match="events are append-only"):
        db.session.execute(sa.text(statement))
    db.session.rollback()
    assert [e.note for e in complaints.get_complaint(db.session, made.number).events] == [
        None, "回电"]


def test_concurrent_registrations_take_gap_free_numbers_and_one_start_wins(app, staff,
                                                                           settings):
    from tests.integration.test_concurrency import WORKERS, _in_threads

    clerk_id, tech_id, sup_id = staff.clerk.id, staff.technician.id, staff.supervisor.id
    db.session.remove()

    def make(i):
        from depot.models import User

        actor = db.session.get(User, clerk_id)
        return complaints.register_complaint(db.session, kind="other",
                                             description=f"第 {i} 个", channel="phone",
                                             actor=actor, now=NOW).number

    made = _in_threads(app, [(lambda i=i: make(i)) for i in range(WORKERS)])
    assert sorted(made) == [f"CMP-2026-{n:06d}" for n in range(1, WORKERS + 1)]

    def start(user_id):
        from depot.models import User

        return complaints.apply_action(db.session, made[0], "start",
                                       settings=settings, actor=db.session.get(User, user_id),
                                       now=NOW).status

    results = _in_threads(app, [lambda: start(tech_id), lambda: start(sup_id)])
    assert sorted(map(type, results), key=str) == sorted([str, InvalidTransitionError],
                                                         key=str)
    assert count(ComplaintEvent, ComplaintEvent.action == "start") == 1
