"""The survey (回访) on a real session: sent once, never before shipping, answered once."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError, NotFoundError
from depot.models import Complaint, OutboxMessage, Survey, db
from depot.services import shipping, surveys
from depot.services.common import get_rma
from depot.services.links import survey_token
from depot.services.surveys import SurveyAnswer
from tests.conftest import NOW
from tests.integration.conftest import NO_MAIL, count

DAY = timedelta(days=1)


def shipped(flow, serial, *, now=NOW, **kw):
    number = flow.ready(serial, now=now, **kw)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=[serial], packed=[], missing=[], settings=flow.settings,
                  actor=flow.staff.logistics, now=now)
    return number


def send(flow, now, after_days=3):
    return surveys.send_surveys(db.session, flow.settings, after_days=after_days, now=now)


def token_of(flow, number):
    survey = db.session.scalar(select(Survey).join(Survey.rma).where(
        Survey.rma.has(number=number)))
    return survey_token(flow.settings.secret, number, survey.token_nonce)


def answer(flow, token, score, comment="", issue=None, now=NOW + 4 * DAY):
    return surveys.answer_survey(db.session, flow.settings.secret, token,
                                 SurveyAnswer(score, comment, issue, "203.0.113.9"), now=now,
                                 settings=flow.settings)


def test_never_before_shipping_and_once_on_day_d_plus_n(flow):
    waiting = flow.ready("SRV0001")  # repaired, not shipped: never surveyed
    number = shipped(flow, "SRV0002")  # shipped on Fri 2026-11-20 (Shanghai)
    assert send(flow, NOW + 2 * DAY) == []
    assert send(flow, NOW + 3 * DAY) == [number]
    assert send(flow, NOW + 3 * DAY) == []  # run twice: sent once
    assert send(flow, NOW + 10 * DAY) == []
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "survey")).all()
    assert [(r.recipient, r.rma_id) for r in rows] == [
        ("zs@example.com", get_rma(db.session, number).id)]
    text = message_from_bytes(rows[0].raw, policy=policy.default).get_body().get_content()
    assert "http://depot.test/survey/" in text and number in text
    assert get_rma(db.session, waiting).survey is None


def test_the_day_is_the_depots(flow):
    # Shipped 2026-11-20 at 23:30 in Shanghai (15:30 UTC): day D is the 20th, so the survey
    # is due from 00:00 on the 23rd Shanghai time (16:00 UTC on the 22nd).
    late = NOW.replace(hour=15, minute=30)
    number = shipped(flow, "SRV0003", now=late)
    assert send(flow, NOW.replace(day=22, hour=15, minute=59)) == []
    assert send(flow, NOW.replace(day=22, hour=16, minute=0)) == [number]


def test_a_customer_without_email_gets_none(flow):
    shipped(flow, "SRV0004", customer=NO_MAIL)
    assert send(flow, NOW + 5 * DAY) == []
    assert count(Survey) == 0


def test_one_answer_per_rma(flow):
    number = shipped(flow, "SRV0005")
    send(flow, NOW + 3 * DAY)
    token = token_of(flow, number)
    done = answer(flow, token, 5, "很快，谢谢")
    assert (done.score, done.comment, done.complaint) == (5, "很快，谢谢", None)
    with pytest.raises(ConflictError) as again:
        answer(flow, token, 1, "changed my mind")
    assert again.value.code == "survey_answered"
    db.session.expire_all()
    assert db.session.get(Survey, done.id).score == 5
    assert count(Complaint) == 0


@pytest.mark.parametrize("score", [0, 6, -1, True])
def test_a_score_outside_one_to_five_is_refused(flow, score):
    number = shipped(flow, "SRV0006")
    send(flow, NOW + 3 * DAY)
    with pytest.raises(InvalidInputError):
        answer(flow, token_of(flow, number), score)
    assert db.session.scalar(select(Survey.answered_at)) is None


def test_a_low_score_registers_a_complaint(flow):
    first, second = shipped(flow, "SRV0007"), shipped(flow, "SRV0008")
    send(flow, NOW + 3 * DAY)
    plain = answer(flow, token_of(flow, first), 2)
    picked = answer(flow, token_of(flow, second), 1, "<b>箱子破了</b>",
                    issue="packaging_transport")
    made = [plain.complaint, picked.complaint]
    assert [(c.kind, c.team, c.channel, c.rma.number) for c in made] == [
            ("other", "customer_service", "survey", first),
            ("packaging_transport", "logistics", "survey", second)]
    assert made[0].description == "回访评分 2 分（满分 5 分），未留言"
    assert made[1].description == "<b>箱子破了</b>"
    assert made[1].events[0].actor_id is None


def test_a_tampered_or_expired_link_changes_nothing(flow):
    number = shipped(flow, "SRV0009")
    send(flow, NOW + 3 * DAY)
    token = token_of(flow, number)
    with pytest.raises(NotFoundError):
        answer(flow, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), 5)
    with pytest.raises(NotFoundError):
        answer(flow, survey_token(flow.settings.secret, number, "0" * 16), 5)
    with pytest.raises(NotFoundError):
        answer(flow, survey_token("another secret", number, "x"), 5)
    assert db.session.scalar(select(Survey.answered_at)) is None


def test_an_old_link_has_expired(flow, monkeypatch):
    import time

    number = shipped(flow, "SRV0010")
    send(flow, NOW + 3 * DAY)
    survey = db.session.scalar(select(Survey))
    made_at = time.time() - 61 * 86400
    monkeypatch.setattr(time, "time", lambda: made_at)
    old = survey_token(flow.settings.secret, number, survey.token_nonce)
    monkeypatch.undo()
    with pytest.raises(InvalidTransitionError) as expired:
        answer(flow, old, 4)
    assert expired.value.code == "link_expired"
