"""Barcodes from photos: image bytes in, decoded codes out.

Serial labels are photographed with phones and webcams: rotated, blurred, unevenly lit, small in
a 12-megapixel frame, and often Data Matrix (electronics). No single decoder reads them all
(see shared/notes/barcode-decoding.md for the measurements), so `decode_array` runs a cascade
and stops after the first step that finds anything. On ordinary frames (up to ~2.5 MP):

1. zxing-cpp on the full-resolution frame (fast; best on QR, Data Matrix, real Code 128/39);
2. OpenCV's 1D barcode *detector* to locate bars at any angle, then each located region cut out,
   turned upright and decoded by zxing-cpp and ZBar (no decoder reads 1D codes at odd angles);
   OpenCV's own EAN/UPC reads come for free here;
3. ZBar on the full frame (better than zxing-cpp on low-resolution 1D codes and uneven light);
4. a 2x upscale of small images, then a contrast-equalised (CLAHE) copy, for both decoders.

Large frames (phone photos) get a plan that fits in well under a second; see _large_frame_steps.
Stopping early means a frame with several codes returns all codes the first successful step
saw (zxing-cpp reports every code it finds), not necessarily every code in the frame.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

import cv2
import numpy as np
import zxingcpp

from depot.errors import UnavailableError
from depot.scanning.text import Code
from depot.scanning.upload import MAX_SIDE, load_gray

try:
    from pyzbar import pyzbar
except ImportError:  # Debian's libzbar0 is missing: photos cannot be read until it is there
    pyzbar = None

__all__ = ["decode_array", "decode_image", "zbar_problem"]
ZBAR_PACKAGE = "libzbar0"

_TILE = 1024  # OpenCV's detector misses codes smaller than about a third of the frame; tile.
_TILE_OVERLAP = 256
_MAX_BOXES = 16  # bound the work a cluttered frame can cause
_MAX_TILES = 100  # ~50 MP; beyond that (or for absurd strips) the frame is not tiled
_LARGE_PIXELS = 2_500_000  # above this (beyond 1080p webcam frames) the large-frame plan runs
_UPSCALE_MAX_SIDE = 1000  # "small image": upscaling pays off only when modules are few pixels
_LINEAR = zxingcpp.BarcodeFormat.AllLinear
_MATRIX = zxingcpp.BarcodeFormat.AllMatrix

_ZXING_SYMBOLOGY = {
    "Code39Ext": "code39", "Code39Std": "code39", "ISBN": "ean13", "ITF14": "itf",
    "DataBarOmni": "databar", "DataBarStk": "databar", "DataBarStkOmni": "databar",
    "DataBarLtd": "databar_limited", "DataBarExp": "databar_expanded",
    "DataBarExpStk": "databar_expanded", "CompactPDF417": "pdf417", "QRCodeModel1": "qrcode",
    "QRCodeModel2": "qrcode", "MicroQRCode": "micro_qrcode", "RMQRCode": "rmqr_code",
    "AztecCode": "aztec", "DXFilmEdge": "dx_film_edge", "MicroPDF417": "micro_pdf417",
    "DataMatrix": "datamatrix", "MaxiCode": "maxicode",
}
_ZBAR_SYMBOLOGY = {"I25": "itf", "ISBN13": "ean13", "DATABAR_EXP": "databar_expanded"}
_ZBAR_LINEAR = [
    pyzbar.ZBarSymbol.CODE128, pyzbar.ZBarSymbol.CODE39, pyzbar.ZBarSymbol.CODE93,
    pyzbar.ZBarSymbol.EAN13, pyzbar.ZBarSymbol.EAN8, pyzbar.ZBarSymbol.UPCA,
    pyzbar.ZBarSymbol.UPCE, pyzbar.ZBarSymbol.I25, pyzbar.ZBarSymbol.CODABAR,
    pyzbar.ZBarSymbol.DATABAR, pyzbar.ZBarSymbol.DATABAR_EXP,
] if pyzbar is not None else []


def zbar_problem() -> UnavailableError | None:
    """Why photos cannot be read (the ZBar library is missing), or None."""
    if pyzbar is not None:
        return None
    return UnavailableError("reading barcodes from photos needs the ZBar library: install it "
                            "with apt-get install %(package)s", code="zbar_missing",
                            package=ZBAR_PACKAGE)


# ---------------------------------------------------------------------------------------------
# Public API


def decode_image(data: bytes, *, max_bytes: int = 15 * 1024 * 1024,
                 max_pixels: int = 50_000_000) -> list[Code]:
    """Decode every barcode found in an uploaded image (JPEG, PNG, GIF, BMP, TIFF, WebP).

    Returns codes in order of discovery, one per distinct text; an empty list if none was read.
    Raises InvalidInputError with code "upload_too_large", "not_an_image" or "image_too_large".
    """
    return decode_array(load_gray(data, max_bytes=max_bytes, max_pixels=max_pixels))


def decode_array(gray: np.ndarray, *, trace: list[str] | None = None) -> list[Code]:
    """Decode a grayscale (H x W, uint8) image with the cascade described in the module doc.

    ``trace``, if given, receives the name of each step that found a new code (for benchmarks).
    """
    problem = zbar_problem()
    if problem is not None:
        raise problem
    if gray.dtype != np.uint8 or gray.ndim != 2 or min(gray.shape) < 1:
        raise ValueError("decode_array needs a non-empty 2-D uint8 grayscale array")
    if max(gray.shape) > MAX_SIDE:
        raise ValueError(f"decode_array reads images up to {MAX_SIDE} pixels a side")
    gray = np.ascontiguousarray(gray)
    found = _Found()
    for name, step in _steps(gray):
        if found.add(step()) and trace is not None:
            trace.append(name)
        if found.codes:
            break
    return found.codes


# ---------------------------------------------------------------------------------------------
# The cascade


def _steps(gray: np.ndarray) -> Iterator[tuple[str, Callable[[], list[Code]]]]:
    """The cascade's steps in order. Large frames get a cheaper plan (see _large_frame_steps)."""
    pixels = gray.shape[0] * gray.shape[1]
    if pixels > _LARGE_PIXELS:
        yield from _large_frame_steps(gray)
        return
    yield "zxing", lambda: _zxing(gray)
    yield "locator", lambda: _located_1d(gray)
    yield "zbar", lambda: _zbar(gray)
    if max(gray.shape) <= _UPSCALE_MAX_SIDE:
        yield "upscale", lambda: _both(_resize(gray, 2.0))
    yield "clahe", lambda: _both(_clahe(gray))


def _large_frame_steps(gray: np.ndarray) -> Iterator[tuple[str, Callable[[], list[Code]]]]:
    """Phone photos (up to 12 MP and more) in well under a second.

    zxing-cpp's 2D detectors slow down several-fold on sensor noise at full resolution (0.7-1.5 s
    on a noisy 12 MP frame), while its 1D readers stay fast, and thin bars need full resolution.
    So: 1D formats on the untouched frame (~90 ms); 2D formats on a half-size frame, where
    label-sized QR / Data Matrix codes still have 2+ pixel modules (~70 ms); 2D formats at full
    resolution after a slight blur (sigma 0.7 tames the noise but keeps 2-3 pixel modules;
    ~270 ms instead of ~700+); last the 1D locator (~150 ms). ZBar on the whole frame
    (0.3-2.5 s) is left out; it still reads the located 1D crops.
    """
    yield "zxing_1d", lambda: _zxing(gray, _LINEAR)
    yield "zxing_2d_half", lambda: _zxing(_half(gray), _MATRIX)
    yield "zxing_2d", lambda: _zxing(cv2.GaussianBlur(gray, (0, 0), 0.7), _MATRIX)
    yield "locator", lambda: _located_1d(gray)


class _Found:
    """Codes in order of discovery, one per text, dropping texts no label would carry."""

    def __init__(self) -> None:
        self.codes: list[Code] = []
        self._texts: set[str] = set()

    def add(self, codes: Iterable[Code]) -> int:
        added = 0
        for code in codes:
            if _is_clean(code.text) and code.text not in self._texts:
                self._texts.add(code.text)
                self.codes.append(code)
                added += 1
        return added


def _is_clean(text: str) -> bool:
    """Empty or control-character texts are misreads or binary payloads, not labels. Line
    breaks and tabs are allowed: vCards and multi-line QR payloads carry them."""
    return bool(text.strip()) and all(ch.isprintable() or ch in "\t\r\n" for ch in text)


def _both(gray: np.ndarray) -> list[Code]:
    """zxing-cpp, then ZBar if zxing-cpp found nothing."""
    return _zxing(gray) or _zbar(gray)


# ---------------------------------------------------------------------------------------------
# Decoders


def _zxing(gray: np.ndarray, formats: zxingcpp.BarcodeFormat | None = None) -> list[Code]:
    """zxing-cpp with its own rotation, inversion and multi-scale search. Text mode HRI renders
    GS1 data as "(01)…(21)…" and control characters as "<GS>", keeping texts printable."""
    if formats is None:
        results = zxingcpp.read_barcodes(gray)
    else:
        results = zxingcpp.read_barcodes(gray, formats=formats)
    return [Code(r.text, _zxing_symbology(r.format.name)) for r in results]


def _zxing_symbology(name: str) -> str:
    return _ZXING_SYMBOLOGY.get(name) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _zbar(gray: np.ndarray, symbols: list[pyzbar.ZBarSymbol] | None = None) -> list[Code]:
    """ZBar scans lines in both axes; it reads low-resolution and unevenly lit 1D codes better."""
    codes = []
    for result in pyzbar.decode(gray, symbols=symbols):
        try:
            text = result.data.decode("utf-8")
        except UnicodeDecodeError:
            text = result.data.decode("latin-1")  # ZBar's fallback for binary byte segments
        codes.append(Code(text, _ZBAR_SYMBOLOGY.get(result.type, result.type.lower())))
    return codes


def _located_1d(gray: np.ndarray) -> list[Code]:
    """Find 1D codes at any angle with OpenCV's detector, cut each out upright and decode it."""
    detector = cv2.barcode.BarcodeDetector()
    _, texts, kinds, points = detector.detectAndDecodeWithType(gray)
    codes = [Code(t, k.replace("_", "").lower())
             for t, k in zip(texts or (), kinds or (), strict=False) if t]
    found = list(points) if points is not None else []
    read = list(texts) if texts and len(texts) == len(found) else [""] * len(found)
    # Boxes OpenCV decoded itself (EAN/UPC) need no crop.
    boxes = [box for box, text in zip(found, read, strict=True) if not text]
    for (x0, y0), tile in _tiles(gray):
        ok, points = detector.detect(tile)
        if ok and points is not None:
            boxes.extend(box + np.float32([x0, y0]) for box in points)
    for box in _distinct(boxes)[:_MAX_BOXES]:
        codes.extend(_decode_crop(_upright_crop(gray, box, 1.3))
                     or _decode_crop(_upright_crop(gray, box, 4.0)))
    return codes


def _tiles(gray: np.ndarray) -> Iterator[tuple[tuple[int, int], np.ndarray]]:
    """Overlapping _TILE-sized windows of a large frame (none for a small one)."""
    height, width = gray.shape
    rows, columns = _starts(height), _starts(width)
    if max(height, width) <= _TILE * 5 // 4 or len(rows) * len(columns) > _MAX_TILES:
        return
    for y0 in rows:
        for x0 in columns:
            yield (x0, y0), gray[y0:y0 + _TILE, x0:x0 + _TILE]


def _starts(length: int) -> list[int]:
    if length <= _TILE:
        return [0]
    stride = _TILE - _TILE_OVERLAP
    return [*range(0, length - _TILE, stride), length - _TILE]


def _distinct(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Drop boxes whose centre lies inside an earlier box (tiles overlap; full frame and tiles
    find the same code). Larger boxes first: they include quiet zones the small ones miss."""
    ordered = sorted(boxes, key=lambda b: -cv2.contourArea(b.astype(np.float32)))
    kept: list[np.ndarray] = []
    for box in ordered:
        cx, cy = (float(v) for v in box.mean(axis=0))
        if not any(cv2.pointPolygonTest(k.astype(np.float32), (cx, cy), False) >= 0
                   for k in kept):
            kept.append(box)
    return kept


def _upright_crop(gray: np.ndarray, box: np.ndarray, stretch: float) -> np.ndarray:
    """Cut the box out, rotated so its long side is horizontal, with room for quiet zones.

    The detector's box hugs the bars, and sometimes covers only part of the code (a quarter of
    it, seen on straight codes in large frames), so the box is lengthened by ``stretch``; a
    tight crop is tried first because clutter beside the quiet zone can also hurt. Which way
    round the code ends up does not matter: both decoders read 1D codes backwards and zxing-cpp
    also tries 90 degrees.
    """
    (cx, cy), (w, h), angle = cv2.minAreaRect(box.astype(np.float32))
    if w < h:
        w, h, angle = h, w, angle - 90.0
    diagonal = int(np.hypot(*gray.shape)) + 32  # nothing lies further out: bounds the memory
    out_w, out_h = min(int(w * stretch + 32), diagonal), min(int(h * 1.5 + 32), diagonal)
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += out_h / 2 - cy
    return cv2.warpAffine(gray, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _decode_crop(crop: np.ndarray) -> list[Code]:
    """A crop is small, so trying both decoders is cheap. (Upscaling crops 2x was measured too:
    it found nothing more on the real and synthetic sets and doubled the locator's cost.)"""
    return _zxing(crop, _LINEAR) or _zbar(crop, _ZBAR_LINEAR)


# ---------------------------------------------------------------------------------------------
# Image variants


def _resize(gray: np.ndarray, factor: float) -> np.ndarray:
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def _half(gray: np.ndarray) -> np.ndarray:
    """Area averaging also averages sensor noise away."""
    return cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def _clahe(gray: np.ndarray) -> np.ndarray:
    """Local contrast equalisation: evens out glare and shadows across a label."""
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)
