"""The quote's fixed wording in three languages, and how numbers and dates are written."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

LANGS: tuple[str, ...] = ("zh_CN", "zh_TW", "en")

# key -> (zh_CN, zh_TW, en)
QUOTE_TEXT: dict[str, tuple[str, str, str]] = {
    "title": ("非保修产品维修报价单", "非保修產品維修報價單", "Non-warranty repair quote"),
    "quote_number": ("报价单号", "報價單號", "Quote no."),
    "version": ("版本", "版本", "Version"),
    "rma_number": ("RMA 编号", "RMA 編號", "RMA no."),
    "issued_on": ("报价日期", "報價日期", "Issued on"),
    "valid_until": ("有效期至", "有效期至", "Valid until"),
    "phone": ("电话", "電話", "Phone"),
    "customer": ("客户信息", "客戶資訊", "Customer"),
    "name": ("姓名", "姓名", "Name"),
    "address": ("地址", "地址", "Address"),
    "unit": ("设备信息", "設備資訊", "Unit"),
    "model": ("型号", "型號", "Model"),
    "serial": ("序列号", "序號", "Serial no."),
    "received_on": ("收件日期", "收件日期", "Received on"),
    "assessment": ("检测结论", "檢測結論", "Assessment"),
    "warranty": ("保修状态", "保固狀態", "Warranty"),
    "in_warranty": ("保修期内", "保固期內", "In warranty"),
    "out_of_warranty": ("已过保修期", "已過保固期", "Out of warranty"),
    "unknown": ("待确认", "待確認", "To be confirmed"),
    "damage": ("损坏判定", "損壞判定", "Damage"),
    "man_made": ("人为损坏", "人為損壞", "Man-made damage"),
    "quality": ("质量问题", "品質問題", "Quality fault"),
    "no_fault_found": ("未发现故障", "未發現故障", "No fault found"),
    "findings": ("检测发现", "檢測發現", "Findings"),
    "charges": ("维修费用", "維修費用", "Charges"),
    "line_no": ("序号", "序號", "No."),
    "kind": ("类别", "類別", "Type"),
    "description": ("项目说明", "項目說明", "Description"),
    "quantity": ("数量", "數量", "Qty"),
    "unit_price": ("单价", "單價", "Unit price"),
    "amount": ("金额", "金額", "Amount"),
    "part": ("配件", "配件", "Part"),
    "labor": ("工时", "工時", "Labour"),
    "shipping": ("运费", "運費", "Shipping"),
    "fee": ("费用", "費用", "Fee"),
    "no_lines": ("无收费项目", "無收費項目", "No charges"),
    "subtotal": ("小计", "小計", "Subtotal"),
    "tax": ("税额", "稅額", "Tax"),
    "total": ("合计", "合計", "TOTAL"),
    "payment": ("付款方式", "付款方式", "Payment"),
    "approval": ("确认报价", "確認報價", "Approve or decline"),
    "approval_hint": ("扫码或打开链接确认或拒绝报价", "掃碼或打開連結確認或拒絕報價",
                      "Scan or open the link to approve or decline"),
    "approval_note": ("确认并付款后开始维修；拒绝报价将按原样退回设备。",
                      "確認並付款後開始維修；拒絕報價將按原樣退回設備。",
                      ("Repair starts once the quote is approved and paid; "
                       "a declined quote means the unit is returned as it is.")),
    "photos": ("检测照片", "檢測照片", "Evidence photos"),
    "page": ("第 {n} 页", "第 {n} 頁", "Page {n}"),
}

CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥", "TWD": "NT$", "HKD": "HK$", "USD": "$", "EUR": "€"}
CENT = Decimal("0.01")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported quote language {lang!r}; use one of {LANGS}")
    return lang


def pair(key: str, lang: str) -> tuple[str, str]:
    """(primary, secondary) wording: ``lang`` first, then English (Simplified Chinese under en)."""
    words = QUOTE_TEXT[key]
    secondary = LANGS.index("en") if check_lang(lang) != "en" else LANGS.index("zh_CN")
    return words[LANGS.index(lang)], words[secondary]


def money(value: Decimal) -> str:
    """'1,356.50': two decimals, half up, from the Decimal itself (never a float)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"amounts must be Decimal, got {type(value).__name__}")
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def quantity(value: Decimal) -> str:
    """Quantities are printed like amounts, with two decimals but no currency."""
    return money(value)


def percent(rate: Decimal) -> str:
    """Decimal('0.13') -> '13%', Decimal('0.065') -> '6.5%'."""
    text = f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") + "%"


def currency_symbol(code: str) -> str:
    return CURRENCY_SYMBOLS.get(code.upper(), "")


def day(value: date) -> str:
    return value.isoformat()
