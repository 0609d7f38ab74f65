"""What a scan names: the first code that is a known serial or RMA number wins."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.models import ProductModel, Rma, Unit
from depot.scanning import Code, looks_like_serial
from depot.services.common import find_rma, find_unit, open_rma_of
from depot.services.serials import fits

RMA_NUMBER_RE = re.compile(r"^RMA-\d{4}-\d{6}$", re.IGNORECASE)


@dataclass(frozen=True)
class ScanResult:
    codes: list[Code]
    unit: Unit | None
    rma: Rma | None
    matched: Code | None


def resolve_codes(session: Session, codes: list[Code]) -> ScanResult:
    """Look the codes up in order. A decoded text is trusted only if it fits a serial pattern
    (a model's own or the general one) or is an RMA number: misreads are rare but real."""
    patterns = list(session.scalars(
        select(ProductModel.serial_pattern).where(ProductModel.serial_pattern.is_not(None))))
    for code in codes:
        text = code.text.strip()
        if RMA_NUMBER_RE.match(text):
            rma = find_rma(session, text)
            if rma is not None:
                return ScanResult(codes, rma.unit, rma, code)
            continue
        if not (looks_like_serial(text) or any(fits(p, text) for p in patterns)):
            continue
        unit = find_unit(session, text)
        if unit is not None:
            return ScanResult(codes, unit, open_rma_of(session, unit), code)
    return ScanResult(codes, None, None, None)
