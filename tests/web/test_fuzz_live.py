"""Property-based proof on a live server: schemathesis reads /api/v1/openapi.json over HTTP and
sends every operation generated requests (valid by the document, and invalid ones), as an
admin, to the app served on a loopback port. Whatever it sends, the answer is never a 5xx.

Each operation runs with generated path values (mostly unknown: 404) and again with the
numbers of a seeded unit, RMA, quote and part, so bodies reach the services too. Bounded: a
few examples per operation and mode, and fewer once the time budget is spent, so the test
stays within about two minutes on two cores.
"""
from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode
from werkzeug.serving import make_server

from depot.models import db
from depot.services import inspection, intake, jobs, parts, payments, quoting, users, webhooks
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.contract import FUZZ_STATS

# Per operation, mode and kind of path values; DEPOT_FUZZ_EXAMPLES and DEPOT_FUZZ_BUDGET_S dig
# deeper by hand. Once the budget is spent every remaining operation still runs, briefly.
EXAMPLES = int(os.environ.get("DEPOT_FUZZ_EXAMPLES", "8"))
EXAMPLES_LATE = 2
BUDGET_S = float(os.environ.get("DEPOT_FUZZ_BUDGET_S", "90"))
HEADER = (b"serial,model,purchase_date,customer_name,customer_phone,customer_email,"
          b"customer_address\n")


@pytest.fixture
def served(app: Flask, tokens: dict[str, str], make_unit) -> Iterator[tuple[str, dict]]:
    make_unit("SEED0001")
    admin = users.user_by_token(db.session, tokens["admin"])
    rma, _ = intake.receive_unit(db.session, "SEED0001", "屏幕不亮", ["power_adapter"],
                                 actor=admin, now=NOW)
    inspection.record_inspection(db.session, rma.number, ["shell_damage"], "",
                                 actor=admin, now=NOW)
    quote = quoting.create_quote(db.session, rma.number, None, tax_rate=None,
                                 policy=DepotSettings.from_config(app.config).pricing,
                                 actor=admin, now=NOW)
    parts.create_part(db.session, "PSU-12V", "电源板", Decimal("35.50"), stock=3, now=NOW)
    payment = payments.record_payment(db.session, rma.number, Decimal("10.00"), "cash",
                                      actor=admin, now=NOW)  # a deposit, to void
    # A user of its own for PATCH /users/{username} and its token: never the admin's token.
    users.create_user(db.session, "fuzz.target", "clerk", now=NOW)
    job = jobs.queue_job(db.session, "import_units", io.BytesIO(HEADER), total=0,
                         created_by=admin.id, now=NOW)  # no worker runs in tests: it waits
    seeds = {"number": rma.number, "quote": quote.number, "serial": "SEED0001",
             "code": "no_power", "part_number": "PSU-12V", "attachment_id": 1,
             "job_id": job.id, "payment_id": payment.id, "model": "AT-100",
             "username": "fuzz.target",
             "webhook_id": webhooks.create_webhook(  # no worker runs: nothing is ever sent
                 db.session, "http://127.0.0.1:9/fuzz", ["rma.created"], "fuzz-secret-0123456",
                 actor=admin, now=NOW).id}
    db.session.remove()  # the server's requests get the database (see tests/e2e/conftest.py)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fuzz-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seeds
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        db.session.remove()


def test_no_generated_request_gets_a_server_error(served, tokens):
    base, seeds = served
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json", timeout=30)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    # Printers it registers come last: labels are never sent to a generated host (no printer
    # exists while POST /labels/print runs, so that can only be 404 or 422).
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: op.label == "POST /api/v1/printers")
    started = time.monotonic()
    for op in operations:
        names = [p.name for p in op.path_parameters]
        fixed = [None, {n: seeds[n] for n in names}] if names else [None]
        for path_values in fixed:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                late = time.monotonic() - started > BUDGET_S
                examples = EXAMPLES_LATE if late else EXAMPLES

                @given(case=op.as_strategy(generation_mode=mode, path_parameters=path_values))
                @settings(max_examples=examples, deadline=None, database=None,
                          phases=[Phase.generate], suppress_health_check=list(HealthCheck))
                def call(case) -> None:
                    response = case.call(base_url=base, headers=auth, timeout=60)
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        failures.append(f"{op.label} -> {response.status_code}\n"
                                        f"{case.as_curl_command()}\n{response.text[:300]}")

                call()
    FUZZ_STATS.append((sum(statuses.values()), len(operations), dict(sorted(statuses.items()))))
    assert failures == [], "\n\n".join(failures[:10])
    assert len(operations) > 30 and sum(statuses.values()) >= len(operations) * 4
    assert statuses[200] + statuses[201] > 0 and statuses[422] > 0
