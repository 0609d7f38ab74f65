"""Codes in words: what a person reads for the codes Depot stores and the API speaks.

A status, an action, a payment method or a carrier is a code in the database, the API and the
data-* attributes of the pages (scripts and tests read those), and a word of the catalogues
wherever a person reads it: the staff pages and their scripts (the tables go to the browser
with the page), the emails, and the error sentences, whose code-valued details
(`status`, `action`, `allowed`, `accessory`, `field`, …) are named in words when the sentence
is rendered (`sentence()`; depot.web.errors.localized uses it). Codes stay codes where a
person types or scans them.

Each table maps a code to its msgid, under one catalogue context (None: no context); a code
no table knows is shown as it is. scripts/messages.py reads WORDS, so every word is checked
to be in the three catalogues.
"""
from __future__ import annotations

import re
from typing import Any

from depot.i18n import N_, translate

# kind -> (context, {code: msgid})
WORDS: dict[str, tuple[str | None, dict[str, str]]] = {
    # RMA statuses (their msgids were the pages' labels before this table).
    "status": (None, {
        "requested": "requested", "received": "received", "inspected": "inspected",
        "awaiting_approval": "awaiting approval", "approved": "approved",
        "declined": "declined", "in_repair": "in repair", "awaiting_parts": "awaiting parts",
        "repaired": "repaired", "ready_to_ship": "ready to ship", "shipped": "shipped",
        "closed": "closed", "cancelled": "cancelled"}),
    "quote_status": ("quote status", {
        "draft": "draft", "sent": "sent", "superseded": "superseded", "expired": "expired",
        "approved": "approved", "declined": "declined", "withdrawn": "withdrawn"}),
    # What happened (the history) and what may be done (the refusals): RMA and quote actions.
    "action": ("action", {
        "receive": "receive", "request": "request before posting", "inspect": "inspect", "send_quote": "send the quote",
        "approve": "approve", "decline": "decline", "start_repair": "start the repair",
        "wait_parts": "wait for parts", "resume": "resume the repair",
        "finish_repair": "finish the repair", "pass_qa": "pass QA", "fail_qa": "fail QA",
        "return_unrepaired": "return unrepaired", "ship": "ship", "close": "close",
        "cancel": "cancel", "override": "override", "create_quote": "draft a quote",
        "use_part": "use a part", "payment": "record a payment", "assign": "assign",
        "void_payment": "void a payment",
        "create": "draft", "edit": "edit", "send": "send", "supersede": "replace by a new version",
        "expire": "expire", "overturn": "overturn the inspection result",
        "withdraw": "withdraw", "dispute": "dispute the inspection result",
        "exchange": "exchange for a replacement unit"}),
    # What became of a unit taken back in exchange (换货): returned stock.
    "stock_outcome": ("stock outcome", {
        "in_stock": "in stock", "repaired_to_spares": "repaired into spare stock",
        "scrapped": "scrapped"}),
    # The status as its customer reads it on the status page and in the status API.
    "customer_status": ("customer status", {
        "requested": "We are expecting your unit. Please send it with the packing slip.",
        "received": "We have received your unit and will check it soon.",
        "inspected": "We have checked your unit and are deciding on the repair.",
        "awaiting_approval": "A repair quote waits for your answer.",
        "approved": "Thank you for approving the quote. The repair will start soon.",
        "declined": "You declined the quote. We will send the unit back unrepaired.",
        "in_repair": "Your unit is being repaired.",
        "awaiting_parts": "We are waiting for a part for your unit.",
        "repaired": "Your unit is repaired and is being tested.",
        "ready_to_ship": "Your unit is ready and will be shipped back soon.",
        "shipped": "Your unit is on its way back to you.",
        "closed": "Your repair is finished.",
        "cancelled": "This repair was cancelled."}),
    "notification_kind": ("notification", {
        "requested": "request and packing slip", "received": "unit received",
        "quote_sent": "quote sent",
        "ready_to_ship": "ready to ship", "shipped": "shipped", "survey": "survey",
        "complaint_resolved": "complaint resolved"}),
    "notification_status": ("notification", {
        "queued": "queued", "sent": "sent", "failed": "failed", "no_email": "no email address"}),
    "region": ("region", {
        "CN-BJ": "Beijing", "CN-TJ": "Tianjin", "CN-SH": "Shanghai", "CN-CQ": "Chongqing",
        "CN-HE": "Hebei", "CN-SX": "Shanxi", "CN-LN": "Liaoning", "CN-JL": "Jilin",
        "CN-HL": "Heilongjiang", "CN-JS": "Jiangsu", "CN-ZJ": "Zhejiang", "CN-AH": "Anhui",
        "CN-FJ": "Fujian", "CN-JX": "Jiangxi", "CN-SD": "Shandong", "CN-HA": "Henan",
        "CN-HB": "Hubei", "CN-HN": "Hunan", "CN-GD": "Guangdong", "CN-HI": "Hainan",
        "CN-SC": "Sichuan", "CN-GZ": "Guizhou", "CN-YN": "Yunnan", "CN-SN": "Shaanxi",
        "CN-GS": "Gansu", "CN-QH": "Qinghai", "CN-NM": "Inner Mongolia", "CN-GX": "Guangxi",
        "CN-XZ": "Tibet", "CN-NX": "Ningxia", "CN-XJ": "Xinjiang", "CN-HK": "Hong Kong",
        "CN-MO": "Macau", "CN-TW": "Taiwan", "abroad": "abroad", "unknown": "unknown"}),
    "accessory": (None, {"power_adapter": "power_adapter", "data_cable": "data_cable",
                         "battery": "battery", "other": "other"}),
    "method": ("payment method", {
        "bank_transfer": "bank transfer", "alipay": "Alipay", "wechat_pay": "WeChat Pay",
        "cash": "cash", "card": "bank card", "other": "other"}),
    # The quote PDF's words for them (depot.quotes.text).
    "line_kind": ("quote", {"part": "Part", "labor": "Labour", "shipping": "Shipping",
                            "fee": "Fee", "discount": "Discount"}),
    "carrier": ("carrier", {
        "SF": "SF Express", "JD": "JD Logistics", "EMS": "China Post EMS", "ZTO": "ZTO Express",
        "YTO": "YTO Express", "STO": "STO Express", "YUNDA": "Yunda Express",
        "DEPPON": "Deppon Express", "OTHER": "other carrier"}),
    "warranty": (None, {"in_warranty": "In warranty", "out_of_warranty": "Out of warranty",
                        "unknown": "Warranty unknown"}),
    "damage_class": (None, {"man_made": "man-made damage", "quality": "quality fault",
                            "no_fault_found": "no fault found"}),
    "freight": (None, {"prepaid": "prepaid", "collect": "freight collect"}),
    "role": (None, {r: r for r in ("clerk", "technician", "supervisor", "logistics", "admin")}),
    # How a customer's answer to a quote came in.
    "answer_via": (None, {"phone": "phone", "fax": "fax", "email": "email", "paper": "paper",
                          "link": "customer's link"}),
    # From where an event came (the history's "from where").
    "origin": (None, {"web": "staff pages", "api": "API (token)", "link": "customer's link",
                      "cli": "command line", "job": "scheduled job"}),
    "waiting": (None, {"customer_approval": "waiting for the customer's answer",
                       "new_quote": "quote expired: send a new version",
                       "payment": "waiting for payment", "parts": "waiting for parts"}),
    # Complaints (投诉): what they are about, the team that handles them, how they came in,
    # where they are, what was done, and how a dispute of the damage verdict ended.
    "complaint_kind": ("complaint kind", {
        "product_quality": "product quality", "packaging_transport": "packaging or transport",
        "staff_conduct": "staff conduct", "damage_verdict": "dispute of the inspection result",
        "other": "other"}),
    "team": ("team", {"engineering": "engineering", "logistics": "logistics",
                      "customer_service": "customer service", "supervisor": "supervisor"}),
    "channel": ("complaint channel", {"phone": "phone", "email": "email", "web": "web",
                                      "survey": "survey", "visit": "visit", "fax": "fax"}),
    "complaint_status": ("complaint status", {
        "open": "open", "in_progress": "in progress", "resolved": "resolved",
        "closed": "closed"}),
    "complaint_action": ("complaint action", {
        "register": "register", "start": "start", "resolve": "resolve", "reopen": "reopen",
        "close": "close"}),
    "outcome": ("outcome", {"upheld": "verdict upheld", "overturned": "verdict overturned",
                            "goodwill": "goodwill discount"}),
    # The fields of requests, forms and the CSV import, as the refusals name them.
    "field": ("field", {
        "serial": "serial number", "model": "model", "models": "models",
        "purchase_date": "purchase date", "extended_months": "extended warranty (months)",
        "customer": "customer", "customer.name": "customer name",
        "customer.phone": "customer phone", "customer.email": "customer email",
        "customer.address": "customer address", "customer_name": "customer name",
        "customer_phone": "customer phone", "customer_email": "customer email",
        "customer_address": "customer address", "name": "name", "phone": "phone",
        "email": "email", "address": "address", "code": "code",
        "warranty_months": "warranty (months)", "serial_pattern": "serial pattern",
        "fault_description": "fault description", "accessories": "accessories",
        "reported_on": "reported on", "text": "scanned text", "image": "picture",
        "photo": "photo", "kind": "kind", "damage_class": "class",
        "label_zh": "Chinese (simplified)", "label_zh_tw": "Chinese (traditional)",
        "label_en": "English", "retired": "retired", "findings": "findings", "notes": "notes",
        "reason": "reason", "warranty": "warranty", "covered": "covered", "action": "action",
        "technician": "technician", "part_number": "part number", "name_zh": "name",
        "name_en": "English name", "cost_price": "cost price", "stock": "stock",
        "quantity": "quantity", "lines": "quote lines", "description": "description",
        "unit_price": "unit price", "tax_rate": "tax rate", "decision": "decision",
        "via": "received by", "comment": "comment", "signed_copy": "signed copy",
        "amount": "amount", "method": "payment method", "reference": "reference",
        "slip": "remittance slip", "size": "label size", "label_size": "label size",
        "rmas": "RMA numbers", "printer": "printer", "host": "host", "port": "port",
        "carrier": "carrier", "tracking_number": "tracking number", "scanned": "scanned codes",
        "missing": "missing accessories", "day": "day", "is_working": "kind of day",
        "note": "note", "file": "file", "body": "request", "username": "user name",
        "password": "password", "role": "role", "display_name": "display name",
        "locale": "language", "channel": "channel", "outcome": "outcome", "score": "score",
        "issue": "what did not go well", "rma": "RMA", "team": "team", "status": "status",
        "replacement_serial": "replacement serial number",
        "replacement_model": "replacement model", "url": "webhook address",
        "events": "events", "secret": "secret", "active": "active"}),
}

# Details of an error whose values are codes of a table, named in words by sentence().
# `status` is an RMA's or a quote's (their codes agree where they meet: approved, declined).
DETAIL_WORDS: dict[str, tuple[str, ...]] = {
    "status": ("status", "quote_status", "complaint_status"), "from_status": ("status",),
    "to_status": ("status",), "action": ("action", "complaint_action"),
    "allowed": ("action", "complaint_action"), "outcome": ("outcome",), "accessory": ("accessory",),
    "role": ("role",), "method": ("method",), "carrier": ("carrier",),
    "warranty": ("warranty",), "damage_class": ("damage_class",), "field": ("field",),
    "fields": ("field",),
}


def word(lang: str, kind: str, code: Any) -> str:
    """The word for `code` of `kind` in `lang`; a code no table knows, as it is."""
    context, table = WORDS[kind]
    text = "" if code is None else str(code)
    if text not in table:
        return text
    return translate(lang, table[text], context)


def words(lang: str, kind: str) -> dict[str, str]:
    """The whole table of `kind` in `lang`: {code: word} (for a page's scripts)."""
    return {code: word(lang, kind, code) for code in WORDS[kind][1]}


def field_word(lang: str, path: Any) -> str:
    """A field's name in words: a dotted path by its full name (customer.email), else by its
    last name (lines.0.unit_price: unit price)."""
    text = str(path)
    table = WORDS["field"][1]
    if text in table:
        return word(lang, "field", text)
    last = next((part for part in reversed(text.split(".")) if not part.isdigit()), text)
    return word(lang, "field", last) if last in table else text


def list_separator(lang: str) -> str:
    """What stands between the items of a list: 甲、乙 in Chinese, "a, b" in English."""
    return "、" if lang.startswith("zh") else ", "


def listed(lang: str, items: list[Any] | tuple[Any, ...]) -> str:
    """Items as one text: 甲、乙 in Chinese, "a, b" in English."""
    return list_separator(lang).join(str(i) for i in items)


def _in_words(lang: str, key: str, value: Any) -> Any:
    kinds = DETAIL_WORDS.get(key)
    if not kinds or value is None:
        return value
    if isinstance(value, list | tuple):
        return listed(lang, [_in_words(lang, key, v) for v in value])
    if key in ("field", "fields"):
        return field_word(lang, value)
    for kind in kinds:
        if str(value) in WORDS[kind][1]:
            return word(lang, kind, value)
    return value


def named(lang: str, details: dict[str, Any]) -> dict[str, Any]:
    """`details` with the code-valued ones in words of `lang` (see DETAIL_WORDS)."""
    return {key: _in_words(lang, key, value) for key, value in details.items()}


def sentence(lang: str, template: str, details: dict[str, Any]) -> str:
    """An error's sentence (an English msgid) in `lang`, its values filled in, codes named in
    words. A `problem` detail is itself a sentence (a refusal inside another: "line 2: …")."""
    values = named(lang, details)
    inner = details.get("problem")
    if isinstance(inner, str):
        values["problem"] = translate(lang, inner, **values)
    return translate(lang, template, **values)


# An event's reason that Depot wrote itself (not a person's sentence) carries codes: named in
# words where the RMA's history shows it. A person's reason is shown as it was typed.
AUTO_CLOSED = N_("shipped on %(day)s, closed after %(days)s days")
_CLOSED = re.compile(r"shipped (\d{4}-\d\d-\d\d), (\d+) days ago")
# "Q-… via link by customer from 1.2.3.4: comment" (who and from where have their columns).
ANSWERED = N_("quote %(quote)s, answered by %(via)s")
UNASSIGNED = N_("unassigned")  # the reason of an `assign` to nobody (services.repair.assign)
_ANSWERED = re.compile(r"(\S+) via (\w+) by \S+(?: from \S+)?(?:: (.*))?", re.S)


def event_reason(lang: str, action: str, reason: str | None,
                 finding_names: dict[str, str]) -> str:
    """The reason column of the history in `lang`: an inspection's findings by their names, a
    payment's method and a shipment's carrier in words, the automatic closing as a sentence."""
    if not reason:
        return ""
    parts = reason.split(" ")
    if action == "assign" and reason == "unassigned":
        return translate(lang, UNASSIGNED)
    if action == "inspect":
        return listed(lang, [finding_names.get(code, code) for code in reason.split(", ")])
    if action == "payment" and len(parts) >= 3 and parts[1] == "CNY":
        return " ".join([parts[0], parts[1], word(lang, "method", parts[2]), *parts[3:]])
    if action == "ship" and parts[0] in WORDS["carrier"][1]:
        return " ".join([word(lang, "carrier", parts[0]), *parts[1:]])
    answered = _ANSWERED.fullmatch(reason) if action in ("approve", "decline") else None
    if answered:
        text = translate(lang, ANSWERED, quote=answered.group(1),
                         via=word(lang, "answer_via", answered.group(2)))
        return f"{text}: {answered.group(3)}" if answered.group(3) else text
    closed = _CLOSED.fullmatch(reason) if action == "close" else None
    if closed:
        return translate(lang, AUTO_CLOSED, day=closed.group(1), days=closed.group(2))
    return reason
