"""Code128 symbols for thermal printers: modules are whole multiples of 0.72 pt, which is 2.03
dots at 203 dpi, exactly 3 at 300 dpi and 6 at 600 dpi, so no bar prints thinner than 2 dots."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.barcode.code128 import Code128

MODULE_PT = 0.72
"""Narrowest bar width used anywhere (10 mil): 2.03 dots at 203 dpi."""
QUIET_MODULES = 10

def code128(value: str, *, bar_height: float, module: float = MODULE_PT) -> Code128:
    """A Code128 symbol with ISO quiet zones (10 modules each side).

    Raises ValueError for characters Code128 cannot carry (reportlab would
    silently drop them and the symbol would decode to something else).
    """
    if not value or not value.isascii() or not value.isprintable():
        raise ValueError(f"cannot encode {value!r} as Code128 (printable ASCII only)")
    quiet = QUIET_MODULES * module
    return Code128(value, barWidth=module, barHeight=bar_height, lquiet=quiet, rquiet=quiet)


def fit_code128(
    value: str, *, max_width: float, bar_height: float, modules: Sequence[float] = (MODULE_PT,)
) -> Code128 | None:
    """The widest-module symbol (quiet zones included) that fits, or None."""
    for module in sorted(modules, reverse=True):
        symbol = code128(value, bar_height=bar_height, module=module)
        if symbol.width <= max_width:
            return symbol
    return None


def can_encode(value: str) -> bool:
    return bool(value) and value.isascii() and value.isprintable()
