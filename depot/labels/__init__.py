"""Printable documents: pure functions, data in, PDF (or ZPL) bytes out, byte-identical."""
from depot.labels.barcodes import MODULE_PT
from depot.labels.carton_receipt import CartonReceiptData, CartonUnit, render_carton_receipt
from depot.labels.fonts import FONT_NAME, register_cjk_font
from depot.labels.printer import PrinterError, send_zpl
from depot.labels.receipt import ReceiptData, render_receipt
from depot.labels.shipping import LABEL_SIZES, LabelData, render_label_pdf
from depot.labels.tag import ACCESSORY_CODES, TagData, render_intake_tag
from depot.labels.zpl import render_label_zpl

__all__ = [
    "ACCESSORY_CODES",
    "CartonReceiptData",
    "CartonUnit",
    "FONT_NAME",
    "LABEL_SIZES",
    "MODULE_PT",
    "LabelData",
    "PrinterError",
    "ReceiptData",
    "TagData",
    "register_cjk_font",
    "render_carton_receipt",
    "render_intake_tag",
    "render_label_pdf",
    "render_label_zpl",
    "render_receipt",
    "send_zpl",
]
