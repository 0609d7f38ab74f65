"""An outbox message's life cycle and its backoff, against a table written out by hand."""
from datetime import timedelta

import pytest

from depot.domain.outbox import (
    MAX_ATTEMPTS,
    OUTBOX,
    OutboxAction,
    OutboxStatus,
    after_failure,
    claimable,
    retry_delay,
)
from depot.errors import InvalidTransitionError

S, A = OutboxStatus, OutboxAction

EXPECTED = {
    (None, A.QUEUE): S.PENDING,
    (S.PENDING, A.CLAIM): S.SENDING,
    (S.SENDING, A.CLAIM): S.SENDING,
    (S.SENDING, A.DELIVER): S.SENT,
    (S.SENDING, A.RETRY_LATER): S.PENDING,
    (S.SENDING, A.GIVE_UP): S.FAILED,
    (S.FAILED, A.REQUEUE): S.PENDING,
}


@pytest.mark.parametrize("status", [None, *OutboxStatus])
@pytest.mark.parametrize("action", list(OutboxAction))
def test_every_status_and_action(status, action):
    if (status, action) in EXPECTED:
        assert OUTBOX.next_status(status, action) is EXPECTED[status, action]
    else:
        with pytest.raises(InvalidTransitionError):
            OUTBOX.next_status(status, action)


def test_sent_is_final_and_only_an_operator_revives_a_failed_message():
    assert OUTBOX.allowed(S.SENT) == []
    assert OUTBOX.allowed(S.FAILED) == [A.REQUEUE]


def test_claims_come_from_pending_or_from_a_claim_left_behind():
    assert claimable() == [S.PENDING, S.SENDING]


def test_the_wait_doubles_from_a_minute_up_to_an_hour():
    waits = [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]
    assert retry_delay(1000) == timedelta(hours=1)


def test_the_last_attempt_gives_up():
    assert after_failure(1) == (A.RETRY_LATER, timedelta(minutes=1))
    assert after_failure(MAX_ATTEMPTS - 1) == (A.RETRY_LATER, timedelta(hours=1))
    assert after_failure(MAX_ATTEMPTS) == (A.GIVE_UP, None)
