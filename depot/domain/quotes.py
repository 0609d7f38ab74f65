"""A quote version's life cycle: drafted, sent, then answered, superseded, expired or withdrawn."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from depot.domain.machine import Guard, Machine


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the damage verdict was overturned: the repair is covered


class QuoteAction(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SEND = "send"
    SUPERSEDE = "supersede"
    EXPIRE = "expire"
    APPROVE = "approve"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


Q, QA = QuoteStatus, QuoteAction

TRANSITIONS: dict[tuple[QuoteStatus | None, QuoteAction], QuoteStatus] = {
    (None, QA.CREATE): Q.DRAFT,
    (Q.DRAFT, QA.EDIT): Q.DRAFT,
    (Q.DRAFT, QA.SEND): Q.SENT,
    (Q.SENT, QA.SUPERSEDE): Q.SUPERSEDED,  # a newer version was sent: this link dies
    (Q.SENT, QA.EXPIRE): Q.EXPIRED,
    (Q.SENT, QA.APPROVE): Q.APPROVED,
    (Q.SENT, QA.DECLINE): Q.DECLINED,
    (Q.SENT, QA.WITHDRAW): Q.WITHDRAWN,
}


@dataclass(frozen=True)
class QuoteFacts:
    valid_until: date
    today: date
    total: Decimal | None = None
    # The total the sender was shown (the RMA page, an integration's own sum); None: not said.
    shown_total: Decimal | None = None


IN_TIME = Guard("quote_expired", "this quote was valid until %(valid_until)s",
                lambda facts: facts.today <= facts.valid_until,
                lambda facts: {"valid_until": facts.valid_until.isoformat()})
# A quote goes out with the total the sender last saw, never with one nobody saw.
AS_SHOWN = Guard("total_changed",
                 "the quote's total is %(total)s, not the %(shown)s shown: check it and send "
                 "it again",
                 lambda facts: facts.shown_total is None or facts.shown_total == facts.total,
                 lambda facts: {"total": f"{facts.total:.2f}",
                                "shown": f"{facts.shown_total:.2f}"})

QUOTE = Machine("a quote", QuoteStatus, QuoteAction, TRANSITIONS,
                guards={(Q.SENT, QA.APPROVE): (IN_TIME,), (Q.SENT, QA.DECLINE): (IN_TIME,),
                        (Q.DRAFT, QA.SEND): (AS_SHOWN,)},
                refused="cannot %(action)s a quote that is %(status)s")
QUOTE.check()

# A customer's answer is refused for a reason they can act on, by the quote's status.
REFUSALS: dict[QuoteStatus, tuple[str, str]] = {
    Q.SUPERSEDED: ("quote_superseded", "a newer version of this quote was sent; use its link"),
    Q.APPROVED: ("quote_answered", "this quote was already approved"),
    Q.DECLINED: ("quote_answered", "this quote was already declined"),
    Q.EXPIRED: ("quote_expired", "this quote was valid until %(valid_until)s"),
    Q.DRAFT: ("quote_not_sent", "this quote has not been sent"),
    Q.WITHDRAWN: ("quote_withdrawn", "this quote was withdrawn: the repair is covered"),
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
