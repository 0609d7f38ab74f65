"""A quote version's life cycle, against the table written out by hand."""
from datetime import date

import pytest

from depot.domain.quotes import QUOTE, QuoteAction, QuoteFacts, QuoteStatus, answer_refusal
from depot.errors import InvalidTransitionError

Q, QA = QuoteStatus, QuoteAction
IN_TIME = QuoteFacts(valid_until=date(2026, 12, 5), today=date(2026, 12, 5))
LATE = QuoteFacts(valid_until=date(2026, 12, 5), today=date(2026, 12, 6))

EXPECTED = {
    (None, QA.CREATE): Q.DRAFT,
    (Q.DRAFT, QA.EDIT): Q.DRAFT,
    (Q.DRAFT, QA.SEND): Q.SENT,
    (Q.SENT, QA.SUPERSEDE): Q.SUPERSEDED,
    (Q.SENT, QA.EXPIRE): Q.EXPIRED,
    (Q.SENT, QA.APPROVE): Q.APPROVED,
    (Q.SENT, QA.DECLINE): Q.DECLINED,
    (Q.SENT, QA.WITHDRAW): Q.WITHDRAWN,  # DESIGN.md 4b: the damage verdict overturned
}


@pytest.mark.parametrize("status", [None, *QuoteStatus])
@pytest.mark.parametrize("action", list(QuoteAction))
def test_every_status_and_action(status, action):
    if (status, action) in EXPECTED:
        assert QUOTE.next_status(status, action, IN_TIME) is EXPECTED[status, action]
    else:
        with pytest.raises(InvalidTransitionError) as info:
            QUOTE.next_status(status, action, IN_TIME)
        assert action.value not in info.value.details["allowed"]


def test_the_last_valid_day_counts_and_the_next_does_not():
    assert QUOTE.next_status(Q.SENT, QA.APPROVE, IN_TIME) is Q.APPROVED
    with pytest.raises(InvalidTransitionError) as info:
        QUOTE.next_status(Q.SENT, QA.DECLINE, LATE)
    assert info.value.code == "quote_expired"
    assert info.value.message == "this quote was valid until 2026-12-05"
    # Expiring is what is left to do with it.
    assert info.value.details["allowed"] == ["supersede", "expire", "withdraw"]


@pytest.mark.parametrize(("status", "facts", "code"), [
    (Q.SENT, IN_TIME, None),
    (Q.SENT, LATE, "quote_expired"),
    (Q.EXPIRED, IN_TIME, "quote_expired"),
    (Q.SUPERSEDED, IN_TIME, "quote_superseded"),
    (Q.APPROVED, IN_TIME, "quote_answered"),
    (Q.DECLINED, LATE, "quote_answered"),
    (Q.DRAFT, IN_TIME, "quote_not_sent"),
])
def test_why_a_customer_cannot_answer(status, facts, code):
    refusal = answer_refusal(status, facts)
    assert (refusal[0] if refusal else None) == code
