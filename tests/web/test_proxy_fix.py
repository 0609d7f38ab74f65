"""Behind DEPOT_PROXY_FIX proxies the recorded customer address is the client's, taken from the
proxy's own X-Forwarded-For entry; without it the header is ignored, whatever a client sends."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from depot import config, create_app
from depot.models import Quote, db
from tests.conftest import IsolatedClient
from tests.web.test_quote_journey import (
    draft,
    qr_link_from_mail,
    send,
)


@pytest.fixture
def inspected(api, tokens, make_unit, mail_app):
    """An RMA inspected as man-made damage: it needs a quote."""
    make_unit("QUOTE0001")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "QUOTE0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    return number


@pytest.fixture(params=[0, 1], ids=["no-proxy", "one-proxy"])
def app(request, database_url, tmp_path) -> Iterator[Flask]:
    app = create_app(config.TestConfig(database_url, tmp_path / "instance",
                                       DEPOT_PROXY_FIX=request.param))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_answer_records_the_clients_address(app, api, tokens, inspected, mail_app, client,
                                                deliver_outbox):
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    deliver_outbox()
    link = qr_link_from_mail(mail_app[1])
    # The client forged the first entry; the proxy appended the address it saw.
    answer = client.post(link + "/approve", json={},
                         headers={"X-Forwarded-For": "192.0.2.44, 203.0.113.7"})
    assert answer.status_code == 200
    expected = "203.0.113.7" if app.config["DEPOT_PROXY_FIX"] else "127.0.0.1"
    assert db.session.query(Quote).one().answer_ip == expected
