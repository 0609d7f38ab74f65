"""The two depots of the examples, a mainland one (zh_CN) and a Taiwan one (zh_TW), and the
shapes the API answers with (depot.web.serialize, depot.web.api.shapes), filled with their
people, units and repairs. The shapes are checked against real answers by
tests/web/test_api_examples_match.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("zh_CN", "zh_TW")


@dataclass(frozen=True)
class Depot:
    """Who and what one depot's examples speak of; the texts in its language."""

    lang: str
    customer: str
    phone: str
    email: str
    address: str
    serial: str  # the covered repair's unit
    serial2: str  # the quoted repair's unit
    replacement: str  # the unit sent back in exchange for serial3
    serial3: str
    number: str  # the covered repair
    number2: str  # the quoted repair
    number3: str  # the exchange
    model_name: str
    fault: str
    fault2: str
    finding: str
    finding2: str
    notes: str
    technician: str
    clerk: str
    supervisor: str
    logistics: str
    carrier: str
    tracking: str
    tracking_url: str
    warranty_reasons: tuple[str, ...]
    damage_reasons: tuple[str, ...]
    coverage_reasons: tuple[str, ...]
    damage_reasons2: tuple[str, ...]
    coverage_reasons2: tuple[str, ...]
    part: str
    part_name: str
    part_name_en: str
    lines: tuple[dict[str, str], ...]  # the quote's lines, as the API answers them
    subtotal: str
    tax_rate: str
    tax: str
    total: str
    texts: dict[str, str]  # the other sentences and words, by name


CN = Depot(
    lang="zh_CN", customer="张伟", phone="13812345678", email="zhangwei@example.cn",
    address="上海市浦东新区世纪大道100号陆家嘴大厦15楼", serial="SN-A7K2-0093125",
    serial2="SN-A7K2-0093188", replacement="SN-A7K2-0107731", serial3="SN-A7K2-0090412",
    number="RMA-2026-000123", number2="RMA-2026-000124", number3="RMA-2026-000125",
    model_name="考勤机 X200", fault="开机后屏幕闪烁，约十分钟后自动关机",
    fault2="摔落后外壳破裂，屏幕无显示", finding="display_fault", finding2="shell_damage",
    notes="屏幕排线松动，更换液晶屏后测试正常", technician="liqiang", clerk="wangfang",
    supervisor="zhaomin", logistics="chenjie", carrier="SF", tracking="SF1402938847561",
    tracking_url="https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1402938847561",
    warranty_reasons=("考勤机 X200保修期12个月，自购买日期2025-09-18起",
                      "保修至2026-09-17（含），判定日期2026-03-02在保修期内"),
    damage_reasons=("显示故障：产品质量问题",), coverage_reasons=("在保修期内且为质量问题：免费维修",),
    damage_reasons2=("外壳破裂：人为损坏，不在保修范围",),
    coverage_reasons2=("存在人为损坏：维修需客户确认报价并付费",),
    part="LCD-X200", part_name="液晶屏 X200", part_name_en="LCD panel X200",
    lines=({"kind": "part", "description": "外壳 X200", "quantity": "1",
            "unit_price": "120.00", "amount": "120.00"},
           {"kind": "labor", "description": "维修工时", "quantity": "1.5",
            "unit_price": "80.00", "amount": "120.00"},
           {"kind": "shipping", "description": "回寄运费（顺丰）", "quantity": "1",
            "unit_price": "18.00", "amount": "18.00"}),
    subtotal="258.00", tax_rate="0.06", tax="15.48", total="273.48",
    texts={"status_shipped": "设备已寄出，正在送回您手中。", "answer": "客户电话确认，同意维修",
           "override": "客户提供购买发票，按保修处理", "void": "重复登记，同一笔支付宝付款",
           "exchange": "主板烧毁，更换新机", "outcome_note": "主板报废，外壳留作备件",
           "complaint": "收到设备时外包装破损，机身有划痕", "resolution": "已致电客户道歉，补发保护套",
           "cancel": "客户不再维修，原样寄回", "reference": "2026030222001004590012345678",
           "display_name": "王芳", "finding_zh": "屏幕烧屏", "finding_tw": "螢幕烙印",
           "finding_en": "screen burn-in", "scan": "SN-A7K2-0093125",
           "import_name": "李娜", "import_address": "北京市朝阳区建国路88号"})

TW = Depot(
    lang="zh_TW", customer="陳志明", phone="0912345678", email="chen.zhiming@example.tw",
    address="臺北市信義區松仁路100號8樓", serial="SN-B3T9-0041877", serial2="SN-B3T9-0041902",
    replacement="SN-B3T9-0052210", serial3="SN-B3T9-0039954", number="RMA-2026-000456",
    number2="RMA-2026-000457", number3="RMA-2026-000458", model_name="考勤機 X200",
    fault="充電時機身過熱，電池無法充滿", fault2="咖啡潑灑到機身後無法開機",
    finding="battery_fault", finding2="liquid_damage", notes="電池膨脹，更換電池後充電正常",
    technician="lin.jianhong", clerk="huang.yating", supervisor="chen.meiling",
    logistics="wu.zongxian", carrier="EMS", tracking="EE204918736TW",
    tracking_url="https://www.ems.com.cn/queryList?mailNum=EE204918736TW",
    warranty_reasons=("考勤機 X200保固期12個月，自購買日期2025-09-18起",
                      "保固至2026-09-17（含），判定日期2026-03-02在保固期內"),
    damage_reasons=("電池故障：產品品質問題",), coverage_reasons=("在保固期內且為品質問題：免費維修",),
    damage_reasons2=("進液：人為損壞，不在保固範圍",),
    coverage_reasons2=("存在人為損壞：維修需客戶確認報價並付費",),
    part="BAT-X200", part_name="鋰電池 X200", part_name_en="battery X200",
    lines=({"kind": "part", "description": "主機板 X200", "quantity": "1",
            "unit_price": "150.00", "amount": "150.00"},
           {"kind": "labor", "description": "維修工時", "quantity": "2",
            "unit_price": "80.00", "amount": "160.00"}),
    subtotal="310.00", tax_rate="0.05", tax="15.50", total="325.50",
    texts={"status_shipped": "設備已寄出，正在送回您手中。", "answer": "客戶來電確認，同意維修",
           "override": "客戶提供購買發票，依保固處理", "void": "重複登記，同一筆轉帳",
           "exchange": "主機板燒毀，更換新機", "outcome_note": "主機板報廢，外殼留作備品",
           "complaint": "收到設備時外箱破損，機身有刮痕", "resolution": "已致電客戶致歉，補寄保護套",
           "cancel": "客戶決定不修，原樣寄回", "reference": "TW-ATM-88120455",
           "display_name": "黃雅婷", "finding_zh": "屏幕烧屏", "finding_tw": "螢幕烙印",
           "finding_en": "screen burn-in", "scan": "SN-B3T9-0041877",
           "import_name": "林怡君", "import_address": "新北市板橋區文化路一段188號"})

DEPOTS = {"zh_CN": CN, "zh_TW": TW}

Example = dict[str, dict[str, Any]]


def both(make: Callable[[Depot], Any]) -> dict[str, Any]:
    """{zh_CN: make(CN), zh_TW: make(TW)}."""
    return {lang: make(depot) for lang, depot in DEPOTS.items()}


def example(response: Callable[[Depot], Any], request: Callable[[Depot], Any] | None = None
            ) -> dict[str, dict[str, Any]]:
    """One operation's examples: the response (and the request body) of both depots."""
    out = {"response": both(response)}
    if request is not None:
        out["request"] = both(request)
    return out


def at(day: str, time: str) -> str:
    """A moment as the API writes it (UTC, Z) from the depot's local time (UTC+8 in both)."""
    hours, minutes = (int(x) for x in time.split(":"))
    return f"{day}T{hours - 8:02d}:{minutes:02d}:00Z"


def customer(d: Depot, key_account: bool = False) -> dict[str, Any]:
    return {"id": 41, "name": d.customer, "phone": d.phone, "email": d.email,
            "address": d.address, "key_account": key_account, "language": d.lang}


def warranty(d: Depot) -> dict[str, Any]:
    return {"status": "in_warranty", "starts_on": "2025-09-18", "ends_on": "2026-09-17",
            "reasons": list(d.warranty_reasons), "reason_codes": ["term", "covered_until"]}


def brief(number: str, status: str, received_on: str = "2026-03-02") -> dict[str, Any]:
    return {"number": number, "status": status, "received_on": received_on,
            "due_on": "2026-03-09"}


def event(action: str, actor: str | None, moment: str, from_status: str | None,
          to_status: str, reason: str | None = None) -> dict[str, Any]:
    return {"action": action, "from_status": from_status, "to_status": to_status,
            "actor": actor, "at": moment, "reason": reason, "via": "api", "ip": "10.8.0.23"}


def received_events(d: Depot) -> list[dict[str, Any]]:
    return [event("receive", d.clerk, at("2026-03-02", "09:15"), None, "received")]


def unit(d: Depot, serial: str | None = None, rmas: list | None = None) -> dict[str, Any]:
    return {"serial": serial or d.serial, "model": "X200", "model_name": d.model_name,
            "purchase_date": "2025-09-18", "extended_months": 0,
            "has_proof_of_purchase": False, "customer": customer(d), "warranty": warranty(d),
            "replaced_by": None, "rmas": rmas if rmas is not None else [], "complaints": []}


def notification(d: Depot, kind: str, moment: str, status: str = "sent") -> dict[str, Any]:
    return {"kind": kind, "to": d.email, "status": status, "at": moment,
            "sent_at": moment.replace(":00Z", ":04Z") if status == "sent" else None}


def rma(d: Depot, **changes: Any) -> dict[str, Any]:
    """The RMA of the covered repair as just received; `changes` move it along."""
    out: dict[str, Any] = {
        "number": d.number, "serial": d.serial, "model": "X200", "model_name": d.model_name,
        "status": "received", "fault_description": d.fault, "accessories": ["power_adapter"],
        "received_on": "2026-03-02", "reported_on": "2026-03-01", "due_on": "2026-03-09",
        "overdue": False, "due_today": False, "clock_paused_since": None,
        "warranty": warranty(d), "damage_class": None, "covered": None, "findings": [],
        "inspection_notes": "", "damage_reasons": [], "coverage_reasons": [],
        "coverage_reason_codes": [], "technician": None, "customer": customer(d), "parts": [],
        "quotes": [], "payments": [], "amount_due": "0.00", "paid": "0.00",
        "outstanding": "0.00", "credit": "0.00", "currency": "CNY", "waiting_for": None,
        "photos": [], "evidence": [], "allowed_actions": ["inspect", "cancel"],
        "events": received_events(d), "shipped_on": None, "shipment": None,
        "replacement_serial": None, "repeat_of": None, "carton": None,
        "notifications": [notification(d, "received", at("2026-03-02", "09:15"))],
        "survey": None, "complaints": [], "created_at": at("2026-03-02", "09:15"),
        "freight": "collect",
    }
    out.update(changes)
    return out


def inspected_events(d: Depot) -> list[dict[str, Any]]:
    return [*received_events(d),
            event("inspect", d.technician, at("2026-03-02", "14:40"), "received", "inspected",
                  d.finding)]


def inspected(d: Depot, **changes: Any) -> dict[str, Any]:
    """The covered repair after its inspection: a quality fault, in warranty."""
    return rma(d, **{
        "status": "inspected", "damage_class": "quality", "covered": True,
        "findings": [d.finding], "inspection_notes": d.notes,
        "damage_reasons": list(d.damage_reasons), "coverage_reasons": list(d.coverage_reasons),
        "coverage_reason_codes": ["covered"], "freight": "prepaid",
        "allowed_actions": ["inspect", "start_repair", "send_quote", "return_unrepaired",
                            "exchange", "cancel"],
        "events": inspected_events(d), **changes})


def photo(attachment_id: int, filename: str) -> dict[str, Any]:
    return {"id": attachment_id, "filename": filename, "content_type": "image/jpeg",
            "url": f"/api/v1/attachments/{attachment_id}"}


def quote_brief(d: Depot, status: str = "draft", sent_at: str | None = None,
                answered_at: str | None = None) -> dict[str, Any]:
    return {"number": f"{d.number2}-Q1", "version": 1, "status": status, "total": d.total,
            "currency": "CNY", "valid_until": "2026-03-17", "sent_at": sent_at,
            "answered_at": answered_at}


def quote(d: Depot, status: str = "draft", sent_at: str | None = None,
          answered_at: str | None = None, via: str | None = None,
          comment: str | None = None) -> dict[str, Any]:
    return {**quote_brief(d, status, sent_at, answered_at), "rma": d.number2,
            "subtotal": d.subtotal, "tax_rate": d.tax_rate, "tax": d.tax,
            "lines": [dict(line) for line in d.lines], "answer_via": via,
            "answer_comment": comment, "reminders": 0}


def request_lines(d: Depot) -> list[dict[str, Any]]:
    """The quote's lines as a request gives them."""
    return [{"kind": line["kind"], "description": line["description"],
             "quantity": line["quantity"], "unit_price": line["unit_price"]}
            for line in d.lines]


def quoted(d: Depot, **changes: Any) -> dict[str, Any]:
    """The quoted repair (man-made damage, not covered) after its inspection."""
    return rma(d, **{
        "number": d.number2, "serial": d.serial2, "fault_description": d.fault2,
        "accessories": [], "reported_on": None, "status": "inspected",
        "damage_class": "man_made", "covered": False, "findings": [d.finding2],
        "damage_reasons": list(d.damage_reasons2),
        "coverage_reasons": list(d.coverage_reasons2),
        "coverage_reason_codes": ["not_covered_man_made"],
        "allowed_actions": ["inspect", "send_quote", "return_unrepaired", "cancel"],
        "events": [event("receive", d.clerk, at("2026-03-02", "10:05"), None, "received"),
                   event("inspect", d.technician, at("2026-03-02", "15:20"), "received",
                         "inspected", d.finding2)],
        **changes})


def complaint(d: Depot, status: str = "open", events: list | None = None,
              **changes: Any) -> dict[str, Any]:
    registered = at("2026-03-05", "10:30")
    out = {"number": "CMP-2026-000031", "kind": "packaging_transport", "team": "logistics",
           "status": status, "channel": "phone", "created_at": registered,
           "description": d.texts["complaint"], "rma": d.number, "serial": d.serial,
           "customer": {"name": d.customer, "phone": d.phone, "email": d.email,
                        "address": d.address},
           "holder": None, "outcome": None, "resolution": None, "resolved_at": None,
           "updated_at": registered, "age_working_days": 1,
           "events": events if events is not None else [complaint_event(
               d, "register", None, "open", registered)]}
    out.update(changes)
    return out


def complaint_event(d: Depot, action: str, from_status: str | None, to_status: str,
                    moment: str, note: str | None = None) -> dict[str, Any]:
    return {"action": action, "from_status": from_status, "to_status": to_status,
            "actor": d.clerk, "at": moment, "note": note, "outcome": None, "via": "api"}
