"""An outbox message's life cycle: queued, claimed by one sender, then sent, retried or given up.

A message is queued with the change that caused it. A sender claims it (pending -> sending)
before it talks to the other side, so no two senders hand it over at once; a claim left behind
by a sender that died is claimed again once it is stale (sending -> sending). An attempt ends in
`sent`, or back in `pending` with a later next attempt (1, 2, 4, … minutes, capped), or, after
MAX_ATTEMPTS, in `failed` for good: an operator may queue it again (`--retry-failed`).

Each channel has its own retries. Mail waits up to an hour between tries and gives up after
10. A webhook's receiver is a program that may be down for a while and must get everything
once it is back, soon: its waits are 10, 20, 40 … seconds capped at 5 minutes, and it gives up
only after about a day of tries (so never within the first hours of an outage).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
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
    """How a message goes out: a mail, or a webhook's HTTP POST."""

    EMAIL = "email"
    WEBHOOK = "webhook"


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

@dataclass(frozen=True)
class Retries:
    """How often a channel tries: waits doubling from `first` up to `longest`, and at most
    `max_attempts` attempts in all."""

    max_attempts: int
    first: timedelta
    longest: timedelta

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        doublings = min(max(attempts - 1, 0), 20)  # 2**20 times `first` is past any cap
        return min(self.first * 2 ** doublings, self.longest)

    def after_failure(self, attempts: int) -> tuple[OutboxAction, timedelta | None]:
        """What a failed attempt (the `attempts`-th) leads to: another try after a wait, or
        none."""
        if attempts >= self.max_attempts:
            return A.GIVE_UP, None
        return A.RETRY_LATER, self.delay(attempts)


RETRIES: dict[Channel, Retries] = {
    Channel.EMAIL: Retries(10, timedelta(minutes=1), timedelta(hours=1)),
    # 10 s, 20 s, … 5 min: 300 attempts last about a day
    Channel.WEBHOOK: Retries(300, timedelta(seconds=10), timedelta(minutes=5)),
}
MAX_ATTEMPTS = RETRIES[Channel.EMAIL].max_attempts
FIRST_RETRY = RETRIES[Channel.EMAIL].first
LONGEST_WAIT = RETRIES[Channel.EMAIL].longest


def claimable() -> list[OutboxStatus]:
    """The statuses a sender may claim a message from (the time conditions are the caller's)."""
    return [status for (status, action) in OUTBOX.transitions
            if action is A.CLAIM and status is not None]


def retry_delay(attempts: int, channel: Channel = Channel.EMAIL) -> timedelta:
    """The wait after the `attempts`-th failed attempt: for mail 1, 2, 4, … minutes, at most
    an hour."""
    return RETRIES[channel].delay(attempts)


def after_failure(attempts: int, channel: Channel = Channel.EMAIL
                  ) -> tuple[OutboxAction, timedelta | None]:
    """What a failed attempt (the `attempts`-th) leads to: another try after a wait, or none."""
    return RETRIES[channel].after_failure(attempts)
