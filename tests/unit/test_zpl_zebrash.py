"""The ZPL return label as an independent renderer draws it: Zebrash (npm zpl-renderer-js, run
in node from tests/zpl, no network) renders every label size Depot produces; zxing-cpp and
pyzbar decode its Code 128 symbols, and the picture is compared with the PDF label."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageFilter
from pypdf import PdfReader

from depot.labels import LABEL_SIZES, LabelData, render_label_pdf, render_label_zpl
from depot.labels.zpl import MAX_LABEL_BYTES
from tests.label_support import (
    LABEL,
    LONG,
    WORST,
    code128_values,
    rasterize,
    zebrash_missing,
    zebrash_render,
    zpl_formats,
)

MM_PER_PT = 25.4 / 72
ODD = replace(LABEL, rma_number="RMA-2026-000124", tracking_number="SF_12^34~56",
              freight="prepaid")
"""Characters ZPL reads as commands (``^``, ``~``) and its ``^FH`` escape (``_``) in a number."""
NO_TRACKING = replace(LABEL, tracking_number="", carrier="", shipped_on=None)
INPUTS: dict[str, LabelData] = {
    "typical": LABEL, "long": LONG, "worst": WORST, "odd": ODD, "no-tracking": NO_TRACKING}

@pytest.fixture(scope="module")
def zebrash_installed() -> None:
    """Zebrash is part of the development setup (`make setup-dev`): its absence is a failure,
    not a skip, so CI cannot pass without drawing the labels."""
    missing = zebrash_missing()
    if missing:
        pytest.fail(missing)


@pytest.fixture(scope="module")
def rendered(zebrash_installed: None, tmp_path_factory: pytest.TempPathFactory,
             ) -> dict[tuple[str, int], tuple[list[str], list[Image.Image]]]:
    """Each label size (and 4x6 at 300 dpi): the ZPL formats of INPUTS and Zebrash's pictures
    of them, one node start per size."""
    out = {}
    for size, dpi in [*((size, 203) for size in LABEL_SIZES), ("4x6", 300)]:
        width_pt, height_pt = LABEL_SIZES[size]
        zpl = render_label_zpl(list(INPUTS.values()), size, dpi=dpi)
        images = zebrash_render(zpl, width_pt * MM_PER_PT, height_pt * MM_PER_PT,
                                tmp_path_factory.mktemp(f"zebrash-{size}-{dpi}"), dpi=dpi)
        out[size, dpi] = (zpl_formats(zpl), images)
    return out


def zxing_code128(image: Image.Image) -> dict[str, tuple[int, int, int, int]]:
    """Decoded Code 128 values with their (left, top, right, bottom) in dots."""
    found = {}
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128):
        corners = [result.position.top_left, result.position.top_right,
                   result.position.bottom_left, result.position.bottom_right]
        xs, ys = [p.x for p in corners], [p.y for p in corners]
        found[result.text] = (min(xs), min(ys), max(xs), max(ys))
    return found


def expected_numbers(data: LabelData) -> set[str]:
    return {data.rma_number, data.tracking_number} - {""}


def rule_bands(ink: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) row of each horizontal rule: rows more than 80 % black."""
    rows = [y for y in range(ink.shape[0]) if ink[y].mean() > 0.8]
    bands: list[list[int]] = []
    for y in rows:
        if bands and y == bands[-1][1] + 1:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    return [(first, last) for first, last in bands]


def grown(ink: np.ndarray, pixels: int) -> np.ndarray:
    """The ink spread by ``pixels`` dots every way."""
    image = Image.fromarray(ink.astype(np.uint8) * 255)
    return np.asarray(image.filter(ImageFilter.MaxFilter(2 * pixels + 1))) > 0


def hidden_contents(text: str) -> int:
    found = re.search(r"…\(\+(\d+)\)|_E2_80_A6\(\+(\d+)\)", text)
    return int(found[1] or found[2]) if found else 0


@pytest.mark.parametrize("size", tuple(LABEL_SIZES))
def test_zebrash_draws_every_label_size_and_its_code128_decodes(size: str, rendered) -> None:
    """Zebrash reads every format, draws it at the label's size, and both decoders read the
    RMA and tracking numbers from its bars; each format stays under 32 KB."""
    formats, images = rendered[size, 203]
    assert len(formats) == len(images) == len(INPUTS)
    width = int(re.search(r"\^PW(\d+)", formats[0])[1])
    height = int(re.search(r"\^LL(\d+)", formats[0])[1])
    for (name, data), fmt, image in zip(INPUTS.items(), formats, images):
        assert len(fmt.encode()) < MAX_LABEL_BYTES, (name, len(fmt))
        assert abs(image.width - width) <= 2 and abs(image.height - height) <= 2, name
        assert set(zxing_code128(image)) == expected_numbers(data), name
        assert code128_values(image) == expected_numbers(data), name  # pyzbar
        assert re.search(rf"\^BCN,\d+,Y,N,N,A\^FD{re.escape(data.rma_number)}\^FS", fmt)


def test_zebrash_reads_the_numbers_zpl_would_take_for_commands(rendered) -> None:
    """``^``, ``~`` and ``_`` in a number go through ``^FH`` escapes and still scan as typed."""
    formats, images = rendered["4x6", 203]
    index = list(INPUTS).index("odd")
    assert "^FH_^FDSF_5F12_5E34_7E56^FS" in formats[index]
    assert set(zxing_code128(images[index])) == {ODD.rma_number, "SF_12^34~56"}


@pytest.mark.parametrize("size", tuple(LABEL_SIZES))
def test_zebrash_picture_matches_the_pdf_label(size: str, rendered, tmp_path: Path) -> None:
    """Rasterized at the printer's 203 dpi, the PDF and Zebrash's drawing of the ZPL have the
    same rules, the same barcodes in the same places and their ink where the other has it."""
    formats, images = rendered[size, 203]
    for (name, data), fmt, image in zip(INPUTS.items(), formats, images):
        pdf = render_label_pdf([data], size)
        page = rasterize(pdf, tmp_path)
        height = min(image.height, page.height)
        width = min(image.width, page.width)
        zpl_ink = (np.asarray(image) < 128)[:height, :width]
        pdf_ink = (np.asarray(page) < 128)[:height, :width]

        zpl_rules, pdf_rules = rule_bands(zpl_ink), rule_bands(pdf_ink)
        assert len(zpl_rules) == len(pdf_rules) >= 5, name
        for (z_top, z_bottom), (p_top, p_bottom) in zip(zpl_rules, pdf_rules):
            assert abs(z_top - p_top) <= 1 and abs(z_bottom - p_bottom) <= 1, (name, zpl_rules)

        zpl_bars, pdf_bars = zxing_code128(image), zxing_code128(page)
        assert set(zpl_bars) == set(pdf_bars) == expected_numbers(data), name
        for value, box in zpl_bars.items():
            assert all(abs(a - b) <= 8 for a, b in zip(box, pdf_bars[value])), (name, value)

        # every dot Zebrash prints is near a dot the PDF prints (text where the PDF sets it) ...
        stray = (zpl_ink & ~grown(pdf_ink, 4)).sum() / zpl_ink.sum()
        assert stray < 0.03, (name, stray)
        # ... and, where the ZPL lists as many contents lines as the PDF, the other way round
        from_pdf = (pdf_ink & ~grown(zpl_ink, 4)).sum() / pdf_ink.sum()
        pdf_text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        if hidden_contents(fmt) == hidden_contents(pdf_text):
            assert from_pdf < 0.06, (name, from_pdf)
        else:  # the ZPL dropped lines to stay under 32 KB: the PDF has more ink, not less
            assert hidden_contents(fmt) > hidden_contents(pdf_text), name


def test_zebrash_draws_the_300_dpi_label(rendered) -> None:
    formats, images = rendered["4x6", 300]
    for (name, data), fmt, image in zip(INPUTS.items(), formats, images):
        assert "^PW1200" in fmt and len(fmt.encode()) < MAX_LABEL_BYTES, name
        # a "300 dpi" printer has 12 dots a mm (305 dpi): the 1200 x 1800 dots fit its label
        assert 1200 <= image.width <= 1222 and 1800 <= image.height <= 1830, name
        assert set(zxing_code128(image)) == expected_numbers(data), name

