"""Printable documents: intake tag and customer receipt (pure functions, PDF bytes out)."""
from depot.labels.fonts import FONT_NAME, register_cjk_font
from depot.labels.intake import (
    ACCESSORY_CODES,
    MODULE_PT,
    ReceiptData,
    TagData,
    render_intake_tag,
    render_receipt,
)

__all__ = [
    "ACCESSORY_CODES",
    "FONT_NAME",
    "MODULE_PT",
    "ReceiptData",
    "TagData",
    "register_cjk_font",
    "render_intake_tag",
    "render_receipt",
]
