"""Sentences the rules explain themselves with, in the depot's three languages.

A rule returns a Reason (a code and its values); turning it into words happens here so that the
same decision reads well to a Chinese customer and to an English integration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh_CN", "zh_TW", "en")
DEFAULT_LANGUAGE = "zh_CN"

MESSAGES: dict[str, dict[str, str]] = {
    "no_purchase_date": {
        "zh_CN": "没有购买日期：保修状态未知，在收到购买凭证前按保外处理",
        "zh_TW": "沒有購買日期：保固狀態未知，在收到購買憑證前按保外處理",
        "en": "No purchase date: warranty unknown, treated as out of warranty until proof of purchase arrives",
    },
    "no_proof": {
        "zh_CN": "没有购买凭证：保修状态未知，在收到购买凭证前按保外处理",
        "zh_TW": "沒有購買憑證：保固狀態未知，在收到購買憑證前按保外處理",
        "en": "No proof of purchase: warranty unknown, treated as out of warranty until it arrives",
    },
    "term": {
        "zh_CN": "{model}保修期{months}个月，自购买日期{start}起",
        "zh_TW": "{model}保固期{months}個月，自購買日期{start}起",
        "en": "{model} has a {months}-month warranty from the purchase date {start}",
    },
    "extended": {
        "zh_CN": "已购延长保修{months}个月",
        "zh_TW": "已購延長保固{months}個月",
        "en": "Extended warranty of {months} months bought",
    },
    "covered_until": {
        "zh_CN": "保修至{end}（含），判定日期{on}在保修期内",
        "zh_TW": "保固至{end}（含），判定日期{on}在保固期內",
        "en": "Covered until {end} inclusive; {on} is within the warranty",
    },
    "expired": {
        "zh_CN": "保修已于{end}到期，判定日期{on}已过保",
        "zh_TW": "保固已於{end}到期，判定日期{on}已過保",
        "en": "Warranty ended on {end}; {on} is after it",
    },
    "before_purchase": {
        "zh_CN": "判定日期{on}早于购买日期{start}，请核对购买凭证",
        "zh_TW": "判定日期{on}早於購買日期{start}，請核對購買憑證",
        "en": "{on} is before the purchase date {start}: check the proof of purchase",
    },
    "repair_warranty": {
        "zh_CN": "维修保修：上次维修于{shipped}寄回，{days}天内的质量故障免费（至{end}）",
        "zh_TW": "維修保固：上次維修於{shipped}寄回，{days}天內的品質故障免費（至{end}）",
        "en": "Repair warranty: last repaired unit shipped on {shipped}; quality faults within "
              "{days} days are covered (until {end})",
    },
    "finding_man_made": {
        "zh_CN": "{zh}：人为损坏，不在保修范围",
        "zh_TW": "{zh_tw}：人為損壞，不在保固範圍",
        "en": "{en}: man-made damage, not covered",
    },
    "finding_quality": {
        "zh_CN": "{zh}：产品质量问题",
        "zh_TW": "{zh_tw}：產品品質問題",
        "en": "{en}: quality fault",
    },
    "no_fault_found": {
        "zh_CN": "检测未发现故障",
        "zh_TW": "檢測未發現故障",
        "en": "No fault found on inspection",
    },
    "not_covered_man_made": {
        "zh_CN": "存在人为损坏：维修需客户确认报价并付费",
        "zh_TW": "存在人為損壞：維修需客戶確認報價並付費",
        "en": "Man-made damage: repair needs the customer's approval of a quote and payment",
    },
    "not_covered_expired": {
        "zh_CN": "已过保修期：维修需客户确认报价并付费",
        "zh_TW": "已過保固期：維修需客戶確認報價並付費",
        "en": "Out of warranty: repair needs the customer's approval of a quote and payment",
    },
    "not_covered_unknown": {
        "zh_CN": "保修状态未知：在收到购买凭证前按保外处理，需报价",
        "zh_TW": "保固狀態未知：在收到購買憑證前按保外處理，需報價",
        "en": "Warranty unknown: treated as out of warranty until proof of purchase arrives; "
              "a quote is needed",
    },
    "covered": {
        "zh_CN": "在保修期内且为质量问题：免费维修",
        "zh_TW": "在保固期內且為品質問題：免費維修",
        "en": "In warranty and a quality fault: repaired free of charge",
    },
    "override": {
        "zh_CN": "主管{actor}改判：{reason}",
        "zh_TW": "主管{actor}改判：{reason}",
        "en": "Overridden by supervisor {actor}: {reason}",
    },
    # The customer's version: customers see no staff names (the actor stays in the stored params).
    "override_customer": {
        "zh_CN": "主管改判：{reason}",
        "zh_TW": "主管改判：{reason}",
        "en": "Overridden by a supervisor: {reason}",
    },
}

# Codes whose sentence names staff, and the sentence customers read instead.
CUSTOMER_VERSIONS = {"override": "override_customer"}


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation, kept as a code and its values until it is shown."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        table = MESSAGES[self.code]
        template = table.get(lang) or table[DEFAULT_LANGUAGE]
        return template.format(**self.params)

    def customer_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The sentence as a customer reads it (quote page, quote PDF, emails): no staff names."""
        return Reason(CUSTOMER_VERSIONS.get(self.code, self.code), self.params).text(lang)


def best_language(candidates: str | None) -> str:
    """Pick zh_CN, zh_TW or en from a loose language tag such as 'zh-TW' or 'en_US'."""
    tag = (candidates or "").replace("-", "_").lower()
    if tag.startswith(("zh_tw", "zh_hk", "zh_hant")):
        return "zh_TW"
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE
