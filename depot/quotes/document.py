"""What a repair quote shows: plain, frozen values prepared by the caller (no database access)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class QuoteLineView:
    """One priced line of the quote; ``amount`` is already computed by the caller."""

    kind: str  # "part" | "labor" | "shipping" | "fee" | "discount" (a negative amount)
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class EvidencePhoto:
    """A bench photo shown as a thumbnail: JPEG bytes, already upright and at most 2048 px."""

    data: bytes
    caption: str


@dataclass(frozen=True)
class QuoteDocument:
    """Everything printed on the 非保修产品维修报价单 (non-warranty repair quote)."""

    depot_name: str
    depot_address: str
    depot_phone: str
    quote_number: str  # e.g. "RMA-2026-000123-Q2"
    version: int
    rma_number: str
    issued_on: date
    valid_until: date
    customer_name: str
    customer_phone: str
    customer_address: str
    model_code: str
    model_name: str
    serial: str
    received_on: date
    warranty_status: str  # in_warranty | out_of_warranty | unknown
    warranty_reasons: tuple[str, ...]  # sentences in the primary language
    damage_class: str  # man_made | quality | no_fault_found
    findings: tuple[tuple[str, str], ...]  # (primary-language label, English label)
    reasons: tuple[str, ...]  # damage/coverage reasons in the primary language
    reasons_en: tuple[str, ...]  # the same in English (may be empty when lang is en)
    lines: tuple[QuoteLineView, ...]
    currency: str  # "CNY"
    subtotal: Decimal
    tax_rate: Decimal  # e.g. Decimal("0.13"); 0 means no tax line
    tax: Decimal
    total: Decimal
    payment_instructions: str  # multi-line text (bank, account, reference to quote)
    approval_url: str  # signed customer link
    photos: tuple[EvidencePhoto, ...] = ()
    lang: str = "zh_CN"  # zh_CN | zh_TW | en: the primary language; English is always second
    pay_before: str = "shipping"  # DEPOT_PAY_BEFORE (repair | shipping): the note printed
