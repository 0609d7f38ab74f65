"""A quote version's life cycle: drafted, sent, then answered, superseded, expired or withdrawn."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from depot.domain.machine import Guard, Machine


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    APPROVED = "approved"
    DECLINED = "declined"


class QuoteAction(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SEND = "send"
    SUPERSEDE = "supersede"
    EXPIRE = "expire"
    APPROVE = "approve"
    DECLINE = "decline"


Q, QA = QuoteStatus, QuoteAction

TRANSITIONS: dict[tuple[QuoteStatus | None, QuoteAction], QuoteStatus] = {
    (None, QA.CREATE): Q.DRAFT,
    (Q.DRAFT, QA.EDIT): Q.DRAFT,
    (Q.DRAFT, QA.SEND): Q.SENT,
    (Q.SENT, QA.SUPERSEDE): Q.SUPERSEDED,  # a newer version was sent: this link dies
    (Q.SENT, QA.EXPIRE): Q.EXPIRED,
    (Q.SENT, QA.APPROVE): Q.APPROVED,
    (Q.SENT, QA.DECLINE): Q.DECLINED,
}


@dataclass(frozen=True)
class QuoteFacts:
    valid_until: date
    today: date


IN_TIME = Guard("quote_expired", "this quote was valid until %(valid_until)s",
                lambda facts: facts.today <= facts.valid_until,
                lambda facts: {"valid_until": facts.valid_until.isoformat()})

QUOTE = Machine("a quote", QuoteStatus, QuoteAction, TRANSITIONS,
                guards={(Q.SENT, QA.APPROVE): (IN_TIME,), (Q.SENT, QA.DECLINE): (IN_TIME,)},
                refused="cannot %(action)s a quote that is %(status)s")
QUOTE.check()

# A customer's answer is refused for a reason they can act on, by the quote's status.
REFUSALS: dict[QuoteStatus, tuple[str, str]] = {
    Q.SUPERSEDED: ("quote_superseded", "a newer version of this quote was sent; use its link"),
    Q.APPROVED: ("quote_answered", "this quote was already approved"),
    Q.DECLINED: ("quote_answered", "this quote was already declined"),
    Q.EXPIRED: ("quote_expired", "this quote was valid until %(valid_until)s"),
    Q.DRAFT: ("quote_not_sent", "this quote has not been sent"),
}


def answer_refusal(status: QuoteStatus, facts: QuoteFacts) -> tuple[str, str] | None:
    """Why the customer cannot answer this quote now, as (code, message), or None. The validity
    date counts whatever the status: a 'sent' quote past its date is expired even before a job
    has marked it so."""
    if status in REFUSALS:
        return REFUSALS[status]
    guard = QUOTE.refusal(status, QA.APPROVE, facts)
    if guard is not None:
        return guard.code, guard.message
    return None
