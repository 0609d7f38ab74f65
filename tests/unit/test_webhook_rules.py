"""The webhooks' rules without a database: addresses, events, secrets, the signature, what an
answer means, the retries of the webhook channel, and the ordering decision."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from depot.domain.outbox import RETRIES, Channel, OutboxAction, after_failure, retry_delay
from depot.domain.webhooks import (
    EVENTS,
    Queued,
    delivered,
    events_problem,
    may_attempt,
    ordered_events,
    secret_problem,
    sign,
    url_problem,
    verified,
)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/in", "https://[::1]/x",
                                 "http://localhost", "HTTPS://Hooks.Example.CN/a?b=c#d",
                                 "http://10.1.2.3:65535/"])
def test_any_http_or_https_address_with_a_host_is_taken(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url, problem", [
    ("", "url_length"), ("http://a.example/" + "x" * 2000, "url_length"),
    ("file:///etc/passwd", "url_scheme"), ("ftp://a.example/", "url_scheme"),
    ("javascript:alert(1)", "url_scheme"), ("a.example/in", "url_scheme"),
    ("http://", "url_host"), ("http:///x", "url_host"), ("http://a.example:0/", "url_host"),
    ("http://a.example:70000/", "url_form"), ("http://a.example:x/", "url_form"),
    ("http://[::1/", "url_form"), ("http://a.exa\x00mple/", "url_character"),
    ("http://a.example/ x", "url_character"), ("http://a\u2028b/", "url_character"),
    ("http://u:p@a.example/", "url_credentials"),
])
def test_everything_else_is_refused_with_a_reason(url, problem):
    assert url_problem(url) == problem


def test_events_are_exactly_the_five_and_keep_their_order():
    assert EVENTS == ("rma.status_changed", "rma.created", "quote.answered",
                      "shipment.created", "complaint.created")
    assert events_problem([]) == "events_empty"
    assert events_problem(["rma.created", "rma.deleted"]) == "unknown_event"
    assert events_problem(["complaint.created"]) is None
    assert ordered_events(["complaint.created", "rma.created", "rma.created"]) == [
        "rma.created", "complaint.created"]


@pytest.mark.parametrize("secret, problem", [
    ("x" * 15, "secret_length"), ("x" * 16, None), ("x" * 200, None),
    ("x" * 201, "secret_length"), ("x" * 16 + "\n", "secret_character"),
    ("秘密" * 8, None)])
def test_a_secret_is_16_to_200_characters_on_one_line(secret, problem):
    assert secret_problem(secret) == problem


def test_the_signature_is_the_hex_hmac_sha256_of_the_exact_bytes():
    body = '{"event":"rma.created","rma":{"number":"RMA-2026-000001"}}'.encode()
    expected = hmac.new(b"k" * 16, body, hashlib.sha256).hexdigest()
    assert sign(body, "k" * 16) == "sha256=" + expected
    assert verified(body, sign(body, "k" * 16), "k" * 16)
    assert not verified(body + b" ", sign(body, "k" * 16), "k" * 16)
    assert not verified(body, sign(body, "k" * 16), "j" * 16)
    assert sign("密".encode(), "秘密秘密秘密秘密") != sign("密".encode(), "秘密秘密秘密秘密x")


@pytest.mark.parametrize("status, ok", [(200, True), (201, True), (204, True), (299, True),
                                        (199, False), (301, False), (302, False),
                                        (400, False), (410, False), (500, False), (503, False)])
def test_only_a_2xx_answer_is_delivered(status, ok):
    assert delivered(status) is ok


def test_webhook_retries_cap_at_five_minutes_and_last_about_a_day():
    waits = [retry_delay(n, Channel.WEBHOOK) for n in range(1, 9)]
    assert waits[:6] == [timedelta(seconds=s) for s in (10, 20, 40, 80, 160, 300)]
    assert waits[6:] == [timedelta(minutes=5)] * 2
    retries = RETRIES[Channel.WEBHOOK]
    within_an_hour, attempts, waited = 0, 0, timedelta()
    while True:
        attempts += 1
        action, wait = after_failure(attempts, Channel.WEBHOOK)
        if action is OutboxAction.GIVE_UP:
            break
        waited += wait
        if waited <= timedelta(hours=1):
            within_an_hour = attempts
    assert attempts == retries.max_attempts
    assert within_an_hour >= 12 and waited > timedelta(hours=20)  # not given up within hours
    # mail keeps its own: 1, 2, 4 … minutes, 10 attempts
    assert retry_delay(1) == timedelta(minutes=1) and after_failure(10)[0] is OutboxAction.GIVE_UP


def test_a_delivery_waits_for_every_earlier_one_of_its_webhook_and_rma():
    queue = [Queued(1, webhook=1, rma=7, delivered=False, due=False),  # waiting for a retry
             Queued(2, webhook=1, rma=7, delivered=False),
             Queued(3, webhook=1, rma=8, delivered=False),  # another RMA: not held
             Queued(4, webhook=2, rma=7, delivered=False),  # another webhook: not held
             Queued(5, webhook=1, rma=None, delivered=False),  # no RMA: not held
             Queued(6, webhook=2, rma=7, delivered=True)]
    assert [q.id for q in queue if may_attempt(q, queue)] == [3, 4, 5]
    sent_first = [Queued(1, 1, 7, delivered=True), Queued(2, 1, 7, delivered=False)]
    assert may_attempt(sent_first[1], sent_first)
    assert not may_attempt(sent_first[0], sent_first)  # delivered: never again
