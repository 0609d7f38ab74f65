"""An outbox message's life cycle: queued, claimed by one sender, then sent, retried or given up.

A message is queued with the change that caused it. A sender claims it (pending -> sending)
before it talks to the other side, so no two senders hand it over at once; a claim left behind
by a sender that died is claimed again once it is stale (sending -> sending). An attempt ends in
`sent`, or back in `pending` with a later next attempt (1, 2, 4, … minutes, capped), or, after
MAX_ATTEMPTS, in `failed` for good: an operator may queue it again (`--retry-failed`).
"""
from __future__ import annotations

import enum
from datetime import timedelta

from depot.domain.machine import Machine


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxAction(enum.StrEnum):
    QUEUE = "queue"
    CLAIM = "claim"
    DELIVER = "deliver"
    RETRY_LATER = "retry_later"
    GIVE_UP = "give_up"
    REQUEUE = "requeue"


class Channel(enum.StrEnum):
    """How a message goes out. Webhooks (an HTTP POST) will be the second channel."""

    EMAIL = "email"


S, A = OutboxStatus, OutboxAction

TRANSITIONS: dict[tuple[OutboxStatus | None, OutboxAction], OutboxStatus] = {
    (None, A.QUEUE): S.PENDING,
    (S.PENDING, A.CLAIM): S.SENDING,
    (S.SENDING, A.CLAIM): S.SENDING,  # only once the claim is stale: its sender died
    (S.SENDING, A.DELIVER): S.SENT,
    (S.SENDING, A.RETRY_LATER): S.PENDING,
    (S.SENDING, A.GIVE_UP): S.FAILED,
    (S.FAILED, A.REQUEUE): S.PENDING,
}

OUTBOX = Machine("an outbox message", OutboxStatus, OutboxAction, TRANSITIONS)
OUTBOX.check()

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def claimable() -> list[OutboxStatus]:
    """The statuses a sender may claim a message from (the time conditions are the caller's)."""
    return [status for (status, action) in OUTBOX.transitions
            if action is A.CLAIM and status is not None]


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, … minutes, at most an hour."""
    doublings = min(max(attempts - 1, 0), 20)  # 2**20 minutes is far past the cap already
    return min(FIRST_RETRY * 2 ** doublings, LONGEST_WAIT)


def after_failure(attempts: int) -> tuple[OutboxAction, timedelta | None]:
    """What a failed attempt (the `attempts`-th) leads to: another try after a wait, or none."""
    if attempts >= MAX_ATTEMPTS:
        return A.GIVE_UP, None
    return A.RETRY_LATER, retry_delay(attempts)
