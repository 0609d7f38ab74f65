"""Printable documents: pure functions, data in, PDF (or ZPL) bytes out, byte-identical."""
from depot.labels.barcodes import MODULE_PT
from depot.labels.fonts import FONT_NAME, register_cjk_font
from depot.labels.receipt import ReceiptData, render_receipt
from depot.labels.tag import ACCESSORY_CODES, TagData, render_intake_tag

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
