"""The survey (回访) after shipping: sent once per RMA a few days after it shipped, answered once
through its signed link; a score of 1 or 2 registers a complaint (channel `survey`)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.complaints import Channel, ComplaintKind, wants_complaint
from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.i18n import N_, translate
from depot.models import Customer, Rma, Survey, Unit
from depot.models.complaints import COMMENT_CAP
from depot.domain.tracking import Kind
from depot.services import notifications
from depot.services.common import local_date
from depot.services.complaints import add_complaint
from depot.services.links import read_survey_token, survey_token
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin, lock_rma

DEFAULT_AFTER_DAYS = 3
# RMAs shipped longer ago than the wait plus this many days are not surveyed any more: a depot
# that starts surveying does not email every customer it ever served.
WINDOW_DAYS = 30
SCORES = range(1, 6)
# The description of a complaint a low score registers when the customer wrote nothing.
NO_COMMENT = N_("survey score %(score)s of 5, no comment")


@dataclass(frozen=True)
class SurveyAnswer:
    score: int
    comment: str = ""
    issue: str | None = None  # what went wrong, a complaint kind; None: not said
    ip: str | None = None


def survey_url(settings: DepotSettings, rma_number: str, nonce: str) -> str:
    return f"{settings.depot.public_url}/survey/{survey_token(settings.secret, rma_number, nonce)}"


def due_for_survey(session: Session, settings: DepotSettings, *, after_days: int,
                   now: datetime) -> list[str]:
    """Numbers of the RMAs whose survey is due: shipped on a day D with today ≥ D + after_days
    (depot dates), not surveyed yet, the customer with an email address."""
    today = local_date(now, settings.tz)
    last_day = today - timedelta(days=after_days)
    return list(session.scalars(
        select(Rma.number).join(Unit, Unit.id == Rma.unit_id)
        .join(Customer, Customer.id == Unit.customer_id)
        .where(Rma.shipped_on.is_not(None), Rma.shipped_on <= last_day,
               Rma.shipped_on >= last_day - timedelta(days=WINDOW_DAYS),
               Customer.email != "", ~exists().where(Survey.rma_id == Rma.id))
        .order_by(Rma.id)))


def send_surveys(session: Session, settings: DepotSettings, *,
                 after_days: int = DEFAULT_AFTER_DAYS, now: datetime) -> list[str]:
    """Queue the survey email of every RMA due (each in its own transaction, under the RMA's
    lock, so two runs at once send each survey once). Returns the RMA numbers."""
    sent = []
    for number in due_for_survey(session, settings, after_days=after_days, now=now):
        rma = lock_rma(session, number)
        customer = rma.unit.customer
        if (rma.shipped_on is None or customer is None or not customer.email
                or session.scalar(select(Survey.id).where(Survey.rma_id == rma.id))):
            session.rollback()
            continue
        survey = Survey(rma_id=rma.id, token_nonce=secrets.token_hex(8), sent_at=now)
        session.add(survey)
        # through the milestone mails: the admin's text, the customer's language, recorded
        # under the RMA's notifications (kind `survey`)
        notifications.notify(session, rma, Kind.SURVEY, settings, now=now, values={
            "survey_url": survey_url(settings, rma.number, survey.token_nonce)})
        try:
            session.commit()
        except IntegrityError:  # another run surveyed it first
            session.rollback()
            continue
        sent.append(rma.number)
    return sent


def survey_by_token(session: Session, secret: str, token: str) -> Survey:
    """The survey a link names; a forged, changed or superseded link is not found."""
    number, nonce = read_survey_token(secret, token)
    survey = session.scalar(select(Survey).join(Rma, Rma.id == Survey.rma_id)
                            .where(Rma.number == number))
    if survey is None or not secrets.compare_digest(survey.token_nonce, nonce):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return survey


def check_answer(answer: SurveyAnswer) -> None:
    if isinstance(answer.score, bool) or answer.score not in SCORES:
        raise InvalidInputError("the score is a whole number from 1 to 5",
                                code="invalid_field", field="score", minimum=1, maximum=5)
    if len(answer.comment) > COMMENT_CAP:
        raise InvalidInputError("%(field)s is longer than %(max_length)s characters",
                                code="invalid_field", field="comment", max_length=COMMENT_CAP)
    if answer.issue is not None and answer.issue not in [k.value for k in ComplaintKind]:
        raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                field="issue", known=[k.value for k in ComplaintKind])


def answer_survey(session: Session, secret: str, token: str, answer: SurveyAnswer, *,
                  now: datetime, settings: DepotSettings, origin: Origin | None = None
                  ) -> Survey:
    """Record the customer's answer (one transaction). The RMA's row is locked before the
    survey is read, so two answers at once have one winner; a second answer is refused
    (ConflictError survey_answered). A score of 1 or 2 registers a complaint of the kind the
    customer picked (else `other`), channel `survey`, linked to the RMA."""
    check_answer(answer)
    try:
        survey = survey_by_token(session, secret, token)
        lock_rma(session, survey.rma.number)
        session.refresh(survey)  # read again under the lock: another answer may have won
        if survey.answered_at is not None:
            raise ConflictError("this survey was already answered: thank you",
                                code="survey_answered")
        comment = answer.comment.strip()
        survey.answered_at, survey.score = now, answer.score
        survey.comment, survey.issue = comment or None, answer.issue
        survey.answer_ip = (answer.ip or "")[:45] or None
        if wants_complaint(answer.score):
            complaint = add_complaint(
                session, kind=answer.issue or ComplaintKind.OTHER.value,
                description=comment or translate("zh_CN", NO_COMMENT, score=answer.score),
                channel=Channel.SURVEY.value, rma=survey.rma.number, actor=None, now=now,
                tz=settings.tz, origin=origin)
            session.flush()
            survey.complaint_id = complaint.id
        session.commit()
    except Exception:
        session.rollback()
        raise
    return survey
