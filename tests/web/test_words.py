"""Issue 10 items 7-9: every sentence a person reads comes from the catalogues in the reader's
language (API errors by Accept-Language, our own 404/405/500 pages, emails), staff pages show
words not codes, and the small fixes (answered notice, flashes, badges, photos, favicon)."""
from __future__ import annotations

import email
import io
import re
from datetime import date, timedelta
from email import policy
from html.parser import HTMLParser

import pytest

from depot.models import db
from depot.services import findings, users
from tests.conftest import NOW
from tests.journey import english_left, journey, raw_codes
from tests.web.test_pages import csrf_from

CJK = re.compile(r"[\u4e00-\u9fff]")
ACCEPT = {"zh_CN": "zh-CN,zh;q=0.9", "zh_TW": "zh-TW,zh;q=0.9", "en": "en-US,en;q=0.9"}


class _Text(HTMLParser):
    """The text a person reads on a page: no tags, scripts, styles or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:  # what a person reads of a form: its placeholders, titles
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def day(api, tokens, client, app, make_unit, mail_app):
    return journey(api, tokens, client, app, make_unit)


def staff_client(app, role: str, lang: str):
    client = app.test_client()
    users.create_user(db.session, f"{role}.{lang}", role, password="a long password 1",
                      display_name="王师傅", now=NOW)
    db.session.remove()
    page = client.get("/login")
    client.post("/login", data={"username": f"{role}.{lang}", "password": "a long password 1",
                                "csrf_token": csrf_from(page.text)})
    client.get(f"/lang/{lang}")
    return client


# -- 7: sentences in the reader's language --------------------------------------------------

@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_api_errors_speak_the_accept_language(api, tokens, day, lang):
    headers = {"Accept-Language": ACCEPT[lang]}
    missing = api.get("/rmas/RMA-2026-999999", headers=headers).get_json()
    refused = api.as_(tokens["clerk"]).post(f"/rmas/{day.received}/photos", headers=headers,
                                            data={"kind": "intake", "photo": (
                                                io.BytesIO(b"not an image"), "x.jpg")})
    forbidden = api.as_(tokens["clerk"]).post("/findings", {
        "code": "rust", "damage_class": "man_made", "label_zh": "锈", "label_en": "rust"},
        headers=headers).get_json()
    for answer in (missing, refused.get_json(), forbidden):
        message = answer["message"]
        assert CJK.search(message) and english_left(message, ("RMA-2026-999999",)) == [], answer
    assert "RMA-2026-999999" in missing["message"]
    assert forbidden["details"]["role"] == "clerk"  # the code stays a code in the details
    assert ("收货员" if lang == "zh_CN" else "收貨員") in forbidden["message"]  # role in words


def test_api_errors_in_english_stay_english(api, day):
    answer = api.get("/rmas/RMA-2026-999999", headers={"Accept-Language": "en"}).get_json()
    assert answer["message"] == "no RMA numbered RMA-2026-999999"


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_a_box_without_an_accessory_reason_is_refused_in_words(api, tokens, make_unit, lang):
    """`say why data_cable is missing` was the issue's example: the accessory in words."""
    make_unit("BOX0001", purchase_date=date.today() - timedelta(days=40))
    number = api.as_(tokens["clerk"]).post("/rmas", {
        "serial": "BOX0001", "accessories": ["data_cable"]}).get_json()["number"]
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    refused = api.as_(tokens["logistics"]).post(f"/rmas/{number}/shipment", {
        "carrier": "SF", "tracking_number": "SF1234567890", "scanned": ["BOX0001", number],
        "accessories": [], "missing": [{"code": "data_cable", "reason": ""}]},
        headers={"Accept-Language": ACCEPT[lang]})
    assert refused.status_code == 422
    message = refused.get_json()["message"]
    assert ("数据线" if lang == "zh_CN" else "數據線") in message
    assert english_left(message) == [] and raw_codes(message) == [], message


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_page_refusals_are_translated(app, client, day, lang):
    clerk = staff_client(app, "clerk", lang)
    forbidden = clerk.get("/admin/models")
    link = client.get("/q/not-a-token", headers={"Accept-Language": ACCEPT[lang]})
    unknown = clerk.get("/rmas/RMA-2026-999999")
    for page, status in ((forbidden, 403), (link, 404), (unknown, 404)):
        assert page.status_code == status
        text = visible(page.text)
        if lang == "en":
            text = text.replace("简体", "").replace("繁體", "").replace("王师傅", "")
            assert not CJK.search(text), text
        else:
            assert CJK.search(text) and english_left(text, ("RMA-2026-999999",)) == [], text


def _crashing_app(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a real server: the crash becomes our 500 page

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_werkzeug_pages_are_replaced_by_ours(app, lang):
    """An unknown address, a wrong method and a crash: our sentence in the reader's language,
    never Werkzeug's English page ("Not Found", "The requested URL…")."""
    client = _crashing_app(app).test_client()
    headers = {"Accept-Language": ACCEPT[lang]}
    pages = {404: client.get("/no/such/page", headers=headers),
             405: client.delete("/login", headers=headers),
             500: client.get("/crash", headers=headers)}
    for status, page in pages.items():
        assert page.status_code == status and page.mimetype == "text/html"
        assert "The requested URL" not in page.text and "Werkzeug" not in page.text
        assert f'data-status="{status}"' in page.text
        text = visible(page.text)
        if lang != "en":
            assert CJK.search(text) and english_left(text) == [], text
    assert "Nothing is found at this address" in visible(pages[404].text) or lang != "en"
    api = {404: client.get("/api/v1/no-such-thing", headers=headers),
           405: client.delete("/api/v1/openapi.json", headers=headers)}
    for status, answer in api.items():
        body = answer.get_json()
        assert answer.status_code == status and body["error"] in ("not_found",
                                                                  "method_not_allowed")
        assert bool(CJK.search(body["message"])) == (lang != "en"), body


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_the_shipped_email_names_the_carrier_and_accessory_in_words(day, deliver_outbox,
                                                                    mail_app, lang):
    deliver_outbox()
    shipped = [email.message_from_bytes(raw, policy=policy.default)
               for _, _, raw in mail_app[1]]
    shipped = [m for m in shipped if "YD4300012345678" in str(m["Subject"])]
    assert len(shipped) == 1
    body = shipped[0].get_body(("plain",)).get_content()
    assert "韵达" in str(shipped[0]["Subject"]) and "韵达" in body or "韻達" in body
    assert raw_codes(str(shipped[0]["Subject"]) + body) == [], body


# -- 8: words, not codes, on the staff pages -------------------------------------------------

STAFF_PAGES = ["/intake", "/bench", "/shipping", "/rmas", "/admin/models", "/admin/findings",
               "/admin/parts", "/admin/printers", "/admin/calendar"]


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_the_rma_page_shows_words_not_codes(app, day, lang):
    clerk = staff_client(app, "admin", lang)
    for number in (day.received, day.waiting, day.shipped):
        page = clerk.get(f"/rmas/{number}")
        assert page.status_code == 200
        text = visible(page.text)
        assert raw_codes(text) == [], (number, raw_codes(text))
        data = (*day.serials, day.received, day.waiting, day.shipped, "AT-100",
                "Model AT-100", "YD4300012345678", "4200001234202611", "front.jpg",
                "crack.jpg", "zs@example.com", f"admin.{lang}", "clerk", "technician",
                "supervisor", "logistics", "admin", "Asia/Shanghai")  # users' names: the
        # admin's technician picker names each user who may hold the RMA
        assert english_left(text, data) == [], (number, english_left(text, data))
    shipped = clerk.get(f"/rmas/{day.shipped}").text
    for word in ("微信支付", "韵达快递", "数据线") if lang == "zh_CN" else ("微信支付", "韻達快遞",
                                                                          "數據線"):
        assert word in shipped, word
    assert 'data-method="wechat_pay"' in shipped and 'data-carrier="YUNDA"' in shipped


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_show_no_english(app, day, lang, path):
    """The server-drawn part of each page, and the words it hands its script."""
    page = staff_client(app, "admin", lang).get(path)
    assert page.status_code == 200
    text = visible(page.text)
    codes = tuple(findings.catalogue(db.session))  # typed and scanned: they stay codes
    db.session.remove()
    data = (*codes, *day.serials, day.received, day.waiting, day.shipped, "AT-100", "Model AT-100",
            f"admin.{lang}", "clerk", "technician", "logistics", "admin", "Asia/Shanghai",
            "Alt", "Shift", "EMS", "ZK-F18", "POS-X")  # the last: model codes to type
    left = [w for w in english_left(text, data) if not re.fullmatch(r"[a-z_]+", w)
            or "_" in w]
    assert left == [], left
    scripts = re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>',
                         page.text, re.S)
    for blob in scripts:
        assert raw_codes(re.sub(r'"[A-Za-z_]+":', "", blob)) == [], blob[:400]


# -- 9: the small fixes ----------------------------------------------------------------------

@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_an_answered_quote_says_which_answer_and_is_no_red_alert(client, day, decision):
    answer = client.post(day.quote_link + "/" + decision, headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    again = client.post(day.quote_link + "/" + decision, headers={"Accept-Language": "en"})
    page = client.get(day.quote_link, headers={"Accept-Language": "en"})
    for html in (again.text, page.text):
        notice = re.search(r'<p class="alert ([a-z]+)" id="refusal"[^>]*>(.*?)</p>', html, re.S)
        assert notice, html
        assert notice.group(1) != "bad"
        word = "approved" if decision == "approve" else "declined"
        assert word in notice.group(2) and re.search(r"\d{4}-\d\d-\d\d", notice.group(2))
    zh = client.get(day.quote_link, headers={"Accept-Language": "zh-CN"}).text
    assert ("已于" in zh) and ("确认" if decision == "approve" else "被拒绝") in zh


def test_flash_after_sending_says_sent_not_saved(app, api, tokens, make_unit, mail_app):
    make_unit("FLASH0001")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "FLASH0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    quote = api.as_(tokens["clerk"]).post(f"/rmas/{number}/quotes", {}).get_json()["number"]
    clerk = staff_client(app, "clerk", "zh_CN")
    page = clerk.get(f"/rmas/{number}")
    sent = clerk.post(f"/rmas/{number}/quotes/{quote}/send",
                      data={"csrf_token": csrf_from(page.text)}, follow_redirects=True)
    flash = re.search(r'<p class="alert ok" role="status">(.*?)</p>', sent.text, re.S).group(1)
    assert "已发送" in flash and quote in flash and "zs@example.com" in flash
    assert "已保存" not in flash


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_the_finding_catalogue_heads_its_code_column_as_a_finding_code(app, lang):
    page = staff_client(app, "admin", lang).get("/admin/findings").text
    first = re.search(r"<th(?:\s[^>]*)?>(.*?)</th>", page, re.S).group(1).strip()
    assert first == {"zh_CN": "检测代码", "zh_TW": "檢測代碼", "en": "Finding code"}[lang]
    assert "型号代码" not in page and "型號代碼" not in page


def test_one_badge_for_waiting_on_the_customer(app, day):
    page = staff_client(app, "clerk", "zh_CN").get(f"/rmas/{day.waiting}").text
    assert 'data-status="awaiting_approval"' in page
    assert 'id="waiting-for"' not in page  # the status badge already says it
    badges = re.findall(r'<span class="badge[^"]*"[^>]*>([^<]*)</span>', page)
    assert len(badges) == len(set(badges)), badges


def test_inspection_photos_and_missing_accessory_reason_on_the_rma_page(app, day):
    clerk = staff_client(app, "clerk", "zh_CN")
    shipped = clerk.get(f"/rmas/{day.shipped}").text
    assert "外壳右上角有裂纹，屏幕排线松动" in shipped
    assert re.search(r'id="intake-photos".*?<img src="/api/v1/attachments/\d+"', shipped, re.S)
    assert re.search(r'id="evidence-photos".*?<img src="/api/v1/attachments/\d+"', shipped, re.S)
    missing = re.search(r'<li data-code="data_cable">(.*?)</li>', shipped).group(1)
    assert "数据线" in missing and "客户说数据线不用寄回" in missing
    received = clerk.get(f"/rmas/{day.received}").text
    assert re.search(r'id="intake-photos".*?<img ', received, re.S)
    photo = re.search(r'<img src="(/api/v1/attachments/\d+)"', received).group(1)
    assert clerk.get(photo).mimetype.startswith("image/")


def test_favicon(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and b"<svg" in svg.data
    assert 'rel="icon"' in client.get("/login").text
