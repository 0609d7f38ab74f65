"""Without the PDF font (DEPOT_PDF_FONT pointing at a missing file, as on a machine without
fonts-wqy-microhei) every PDF and the ZPL answer a clear 503 naming the package, in the
reader's language, and the start-up log says so; nothing is half done."""
from __future__ import annotations

import logging

import pytest

from depot import config, create_app
from depot.labels import fonts
from depot.models import Quote, db

LINES = {"lines": [
    {"kind": "part", "description": "外壳 Housing", "quantity": 1, "unit_price": "120.00"},
    {"kind": "labor", "description": "维修工时 Labour", "quantity": 1, "unit_price": "80.00"}]}


@pytest.fixture
def documents(api, tokens, make_unit) -> dict[str, str]:
    """An inspected RMA with a draft quote: the paths of its documents."""
    make_unit("FONT00001")
    number = api.post("/rmas", {"serial": "FONT00001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    quote = api.post(f"/rmas/{number}/quotes", LINES).get_json()["number"]
    return {"number": number, "quote": quote,
            "tag": f"/rmas/{number}/tag.pdf", "receipt": f"/rmas/{number}/receipt.pdf",
            "quote_pdf": f"/rmas/{number}/quotes/{quote}.pdf",
            "label": f"/rmas/{number}/label.pdf", "zpl": f"/rmas/{number}/label.zpl",
            "findings": "/findings/sheet.pdf", "labels": f"/labels.pdf?rmas={number}"}


@pytest.fixture
def fontless(app, database_url, tmp_path):
    """The same depot started with DEPOT_PDF_FONT naming a file that is not there."""
    missing = tmp_path / "fonts" / "wqy-microhei.ttc"
    other = create_app(config.TestConfig(database_url, tmp_path / "fontless",
                                         DEPOT_PDF_FONT=str(missing)))
    yield other, missing
    fonts.use_font(app.config["DEPOT_PDF_FONT"])  # what the suite's app was started with
    with other.app_context():
        db.engine.dispose()


DOCUMENTS = ("tag", "receipt", "quote_pdf", "label", "zpl", "findings", "labels")


def test_every_document_answers_200_with_the_font(api, documents):
    for name in DOCUMENTS:
        response = api.get(documents[name])
        assert response.status_code == 200, (name, response.get_json())


def test_every_document_answers_503_naming_the_package_without_the_font(api, tokens, documents,
                                                                       fontless):
    other, missing = fontless
    client = other.test_client()
    for name in DOCUMENTS:
        response = client.get("/api/v1" + documents[name], headers={
            "Authorization": f"Bearer {tokens['admin']}", "Accept-Language": "en"})
        assert response.status_code == 503, name
        body = response.get_json()
        assert body["error"] == "pdf_font_missing"
        assert "apt-get install fonts-wqy-microhei" in body["message"]
        assert "DEPOT_PDF_FONT" in body["message"] and str(missing) in body["message"]
    chinese = client.get("/api/v1" + documents["label"], headers={
        "Authorization": f"Bearer {tokens['admin']}", "Accept-Language": "zh-CN"})
    assert "字体" in chinese.get_json()["message"]
    assert "fonts-wqy-microhei" in chinese.get_json()["message"]


def test_a_quote_is_not_sent_without_the_font(api, tokens, documents, fontless):
    other, _ = fontless
    response = other.test_client().post(
        f"/api/v1/rmas/{documents['number']}/quotes/{documents['quote']}/send",
        headers={"Authorization": f"Bearer {tokens['clerk']}", "Accept-Language": "en"})
    assert response.status_code == 503
    assert response.get_json()["error"] == "pdf_font_missing"
    db.session.expire_all()
    quote = db.session.query(Quote).filter_by(number=documents["quote"]).one()
    assert quote.status == "draft"


def test_the_start_up_log_names_the_missing_font(database_url, tmp_path, caplog):
    missing = tmp_path / "nowhere.ttf"
    with caplog.at_level(logging.ERROR):
        app = create_app(config.TestConfig(database_url, tmp_path / "i", TESTING=False,
                                           DEPOT_PDF_FONT=str(missing)))
    fonts.use_font(None)
    with app.app_context():
        db.engine.dispose()
    (line,) = [r.getMessage() for r in caplog.records if "font" in r.getMessage()]
    assert str(missing) in line and "apt-get install fonts-wqy-microhei" in line
