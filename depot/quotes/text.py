"""The quote's fixed wording (its msgids; the words are in the catalogues), and how numbers and
dates are written."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from depot.i18n import LANGUAGES as LANGS
from depot.i18n import pair as bilingual

# key -> the English sentence: the msgid (context 'quote') of its translations.
QUOTE_TEXT: dict[str, str] = {
    "title": "Non-warranty repair quote",
    "quote_number": "Quote no.",
    "version": "Version",
    "rma_number": "RMA no.",
    "issued_on": "Issued on",
    "valid_until": "Valid until",
    "phone": "Phone",
    "customer": "Customer",
    "name": "Name",
    "address": "Address",
    "unit": "Unit",
    "model": "Model",
    "serial": "Serial no.",
    "received_on": "Received on",
    "assessment": "Assessment",
    "warranty": "Warranty",
    "in_warranty": "In warranty",
    "out_of_warranty": "Out of warranty",
    "unknown": "To be confirmed",
    "damage": "Damage",
    "man_made": "Man-made damage",
    "quality": "Quality fault",
    "no_fault_found": "No fault found",
    "findings": "Findings",
    "charges": "Charges",
    "line_no": "No.",
    "kind": "Type",
    "description": "Description",
    "quantity": "Qty",
    "unit_price": "Unit price",
    "amount": "Amount",
    "part": "Part",
    "labor": "Labour",
    "shipping": "Shipping",
    "fee": "Fee",
    "discount": "Discount",
    "no_lines": "No charges",
    "subtotal": "Subtotal",
    "tax": "Tax",
    "total": "TOTAL",
    "payment": "Payment",
    "approval": "Approve or decline",
    "approval_hint": "Scan or open the link to approve or decline",
    # The note follows DEPOT_PAY_BEFORE: approval_note_<pay_before>.
    "approval_note_repair": "Repair starts once the quote is approved and paid; a declined "
                            "quote means the unit is returned as it is.",
    "approval_note_shipping": "Repair starts once the quote is approved; the unit is shipped "
                              "back once paid. A declined quote means the unit is returned as "
                              "it is.",
    "photos": "Evidence photos",
    "page": "Page %(n)s",
}

CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥", "TWD": "NT$", "HKD": "HK$", "USD": "$", "EUR": "€"}
CENT = Decimal("0.01")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported quote language {lang!r}; use one of {LANGS}")
    return lang


def pair(key: str, lang: str, **values: object) -> tuple[str, str]:
    """(primary, secondary) wording: ``lang`` first, then English (Simplified Chinese under en)."""
    return bilingual(QUOTE_TEXT[key], check_lang(lang), "quote", **values)


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
