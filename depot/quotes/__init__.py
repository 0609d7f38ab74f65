"""The non-warranty repair quote 非保修产品维修报价单: data in, A4 PDF bytes out."""
from depot.quotes.document import EvidencePhoto, QuoteDocument, QuoteLineView
from depot.quotes.render import render_quote

__all__ = ["EvidencePhoto", "QuoteDocument", "QuoteLineView", "render_quote"]
