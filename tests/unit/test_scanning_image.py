"""Decoding barcodes from images: real photos, synthetic hard cases, and upload validation."""
from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import barcode
import cv2
import numpy as np
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pyzbar import pyzbar

from depot.errors import InvalidInputError
from depot.scanning import Code, decode_array, decode_image, load_gray
from depot.scanning.cascade import _Found
from depot.scanning.synthetic import cluttered_frame

PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "barcodes"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif"}
ANGLES = [0, 30, 45, 90, 137, 180, 270]
# zxing-cpp's HRI text mode shows control characters by their ASCII names, e.g. "<SOH>".
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
)


# ---------------------------------------------------------------------------------------------
# Image makers


def png_bytes(image: Image.Image | np.ndarray, fmt: str = "PNG", **params: object) -> bytes:
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def linear_label(kind: str, text: str, module_px: int = 3, height_px: int = 60) -> Image.Image:
    """A 1D code drawn module by module from python-barcode's encoder, with quiet zones."""
    cls = barcode.get_barcode_class(kind)
    code = cls(text, add_checksum=False) if kind == "code39" else cls(text)
    modules = "".join(code.build())
    row = np.array([0 if m == "1" else 255 for m in modules], np.uint8)
    row = np.pad(row, 10, constant_values=255).repeat(module_px)
    bars = np.tile(row, (height_px, 1))
    return Image.fromarray(np.pad(bars, ((5 * module_px, 5 * module_px), (0, 0)),
                                  constant_values=255))


def linear_text(kind: str, text: str) -> str:
    """The text a reader returns: EAN-13 gains its check digit."""
    return barcode.get_barcode_class(kind)(text).get_fullcode() if kind == "ean13" else text


def matrix_label(fmt: str, text: str, scale: int = 4) -> Image.Image:
    symbol = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, fmt))
    pixels = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=scale))
    return Image.fromarray(np.pad(pixels, 4 * scale, constant_values=255))


def on_canvas(label: Image.Image, angle: float, background: int = 190) -> np.ndarray:
    turned = label.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    side = max(640, max(turned.size) + 160)
    canvas = Image.new("L", (side, side), background)
    canvas.paste(turned, ((side - turned.width) // 2, (side - turned.height) // 2))
    return np.asarray(canvas)


def cluttered_12mp(seed: int) -> Image.Image:
    """A 4000x3000 frame of uneven light, boxes and lines: what surrounds a label on a bench."""
    return cluttered_frame(np.random.default_rng(seed))


def embed(frame: Image.Image, label: Image.Image, angle: float, at: tuple[int, int],
          seed: int, noise: float = 6.0) -> np.ndarray:
    """Paste a (turned) label into the frame and add sensor noise to everything."""
    out = frame.copy()
    turned = label.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    mask = Image.new("L", label.size, 255).rotate(angle, expand=True, fillcolor=0)
    out.paste(turned, at, mask)
    noisy = np.asarray(out, np.float32) + np.random.default_rng(seed).normal(0, noise, (3000, 4000))
    return noisy.clip(0, 255).astype(np.uint8)


def texts(codes: list[Code]) -> list[str]:
    return [c.text for c in codes]


# ---------------------------------------------------------------------------------------------
# Real photos


def _photos() -> Iterator[Path]:
    if PHOTOS.is_dir():
        yield from sorted(p for p in PHOTOS.glob("*/*") if p.suffix.lower() in IMAGE_SUFFIXES)


def _truth(photo: Path) -> str:
    with open(photo.with_suffix(".txt"), encoding="utf-8", newline="") as handle:
        text = handle.read()
    return "".join(f"<{_C0_NAMES[ord(ch)]}>" if ord(ch) < 32 and ch not in "\t\r\n" else ch
                   for ch in text)


def _any_single_library_reads(gray: np.ndarray, truth: str) -> bool:
    """The bar the cascade must clear: zxing-cpp, ZBar or OpenCV alone reads the photo."""
    if truth in [r.text for r in zxingcpp.read_barcodes(gray)]:
        return True
    if truth in [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]:
        return True
    return truth in (cv2.barcode.BarcodeDetector().detectAndDecode(gray)[1] or ())


@pytest.mark.skipif(not PHOTOS.is_dir(), reason=f"real photos not present at {PHOTOS}")
@pytest.mark.parametrize("photo", list(_photos()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_photo_decodes_to_its_true_text(photo: Path) -> None:
    data = photo.read_bytes()
    truth = _truth(photo)
    codes = decode_image(data)
    if truth in texts(codes):
        return
    if not _any_single_library_reads(load_gray(data, max_bytes=len(data), max_pixels=10**8), truth):
        pytest.xfail("no single decoder (zxing-cpp, ZBar, OpenCV) reads this photo either")
    pytest.fail(f"expected {truth!r}, decoded {texts(codes)!r}")


@pytest.mark.skipif(not PHOTOS.is_dir(), reason=f"real photos not present at {PHOTOS}")
def test_real_photos_are_present() -> None:
    assert len(list(_photos())) >= 200


# ---------------------------------------------------------------------------------------------
# Synthetic codes


@pytest.mark.parametrize("angle", ANGLES)
@pytest.mark.parametrize("kind, text", [
    ("code128", "RMA-2026-000123"), ("code39", "SN12345X"), ("ean13", "400638133393"),
])
def test_rotated_1d_codes(kind: str, text: str, angle: int) -> None:
    gray = on_canvas(linear_label(kind, text, module_px=2), angle)
    codes = decode_array(gray)
    assert Code(linear_text(kind, text), kind) in codes


@pytest.mark.parametrize("angle", ANGLES)
@pytest.mark.parametrize("fmt, symbology, scale", [
    ("QRCode", "qrcode", 3), ("DataMatrix", "datamatrix", 3),
])
def test_rotated_2d_codes(fmt: str, symbology: str, scale: int, angle: int) -> None:
    gray = on_canvas(matrix_label(fmt, "SN-ABC-0001234", scale), angle)
    assert Code("SN-ABC-0001234", symbology) in decode_array(gray)


@pytest.mark.parametrize("angle", [0, 137])
def test_low_resolution_low_contrast_and_uneven_light(angle: int) -> None:
    """Thin bars printed grey on a label lit from one side."""
    gray = on_canvas(linear_label("code128", "SN-77821-B", module_px=2), angle).astype(np.float32)
    gray = 90 + gray * 0.45  # contrast 115 grey levels
    gray *= np.linspace(0.55, 1.15, gray.shape[1])[None, :]  # shadow to glare
    gray = cv2.GaussianBlur(gray.clip(0, 255).astype(np.uint8), (0, 0), 0.8)
    assert "SN-77821-B" in texts(decode_array(gray))


@pytest.fixture(scope="module")
def clutter() -> Image.Image:
    return cluttered_12mp(seed=11)


@pytest.mark.parametrize("label, angle, expected", [
    (lambda: linear_label("code128", "RMA-2026-000123", module_px=2), 0, "RMA-2026-000123"),
    (lambda: linear_label("code128", "RMA-2026-000123", module_px=2), 30, "RMA-2026-000123"),
    (lambda: matrix_label("QRCode", "SN-QR-0042", 4), 20, "SN-QR-0042"),
    (lambda: matrix_label("DataMatrix", "SN-DM-0042", 4), 20, "SN-DM-0042"),
], ids=["code128-0", "code128-30", "qrcode-20", "datamatrix-20"])
def test_small_code_in_a_noisy_12_megapixel_frame(
        clutter: Image.Image, label: Callable[[], Image.Image], angle: int, expected: str) -> None:
    gray = embed(clutter, label(), angle, at=(2600, 1900), seed=angle)
    assert expected in texts(decode_array(gray))


def test_every_code_in_the_frame_once() -> None:
    canvas = Image.new("L", (900, 700), 255)
    canvas.paste(linear_label("code128", "PN-4711-A"), (40, 40))
    canvas.paste(linear_label("code128", "SN-0815-Z"), (40, 300))
    canvas.paste(linear_label("code128", "SN-0815-Z"), (40, 520))
    found = texts(decode_image(png_bytes(canvas)))
    assert sorted(found) == ["PN-4711-A", "SN-0815-Z"]


@pytest.mark.parametrize("size", [(640, 480), (1, 1), (3, 1), (60_000, 1), (1, 20_000)])
def test_blank_images_have_no_codes(size: tuple[int, int]) -> None:
    assert decode_image(png_bytes(Image.new("L", size, 230))) == []


def test_symbology_names() -> None:
    canvas = Image.new("L", (1200, 500), 255)
    canvas.paste(linear_label("code39", "ABC-123"), (30, 30))
    canvas.paste(matrix_label("QRCode", "q-1"), (600, 30))
    canvas.paste(matrix_label("DataMatrix", "d-1"), (900, 30))
    canvas.paste(linear_label("ean13", "400638133393"), (30, 250))
    assert set(decode_array(np.asarray(canvas))) == {
        Code("ABC-123", "code39"), Code("q-1", "qrcode"), Code("d-1", "datamatrix"),
        Code("4006381333931", "ean13"),
    }


def test_found_drops_empty_and_control_character_texts_and_duplicates() -> None:
    found = _Found()
    found.add([Code("SN-1", "code128"), Code("", "qrcode"), Code("  ", "qrcode"),
               Code("A\x00B", "qrcode"), Code("SN-1", "qrcode"), Code("L1\r\nL2\tx", "qrcode"),
               Code("\x1bESC", "code128"), Code("<GS>ok", "datamatrix")])
    assert found.codes == [Code("SN-1", "code128"), Code("L1\r\nL2\tx", "qrcode"),
                           Code("<GS>ok", "datamatrix")]


# ---------------------------------------------------------------------------------------------
# Image formats and orientation


@pytest.mark.parametrize("fmt, params", [
    ("JPEG", {"quality": 90}), ("PNG", {}), ("GIF", {}), ("BMP", {}), ("TIFF", {}),
    ("WEBP", {"lossless": True}),
])
def test_common_formats(fmt: str, params: dict[str, object]) -> None:
    image = Image.fromarray(on_canvas(matrix_label("QRCode", "SN-FMT-1"), 0)).convert("RGB")
    assert texts(decode_image(png_bytes(image, fmt, **params))) == ["SN-FMT-1"]


def test_exif_orientation_is_applied() -> None:
    image = Image.new("L", (40, 20), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    data = png_bytes(image, "JPEG", exif=exif.tobytes())
    assert load_gray(data, max_bytes=len(data), max_pixels=10_000).shape == (40, 20)


def test_transparent_background_counts_as_white() -> None:
    label = np.asarray(matrix_label("DataMatrix", "SN-ALPHA-9"))
    rgba = np.zeros((*label.shape, 4), np.uint8)  # transparent pixels are black underneath
    rgba[..., 3] = 255 - label
    assert texts(decode_image(png_bytes(Image.fromarray(rgba, "RGBA")))) == ["SN-ALPHA-9"]


def test_sixteen_bit_images_are_scaled_not_clipped() -> None:
    label = np.asarray(on_canvas(matrix_label("QRCode", "SN-16-BIT"), 0)).astype(np.uint16)
    deep = Image.fromarray(label * 64 + 1000)  # 1000..17320: all above 255
    assert texts(decode_image(png_bytes(deep))) == ["SN-16-BIT"]


# ---------------------------------------------------------------------------------------------
# Upload validation


def test_upload_over_the_byte_cap() -> None:
    data = png_bytes(Image.new("L", (64, 64), 255))
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(data, max_bytes=len(data) - 1)
    assert excinfo.value.code == "upload_too_large"
    assert excinfo.value.details == {"size": len(data), "limit": len(data) - 1}


@pytest.mark.parametrize("data", [
    b"", os.urandom(4096), b"serial,model\nSN-1,X200\n" * 20, b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
], ids=["empty", "random", "csv", "png-signature-only", "eps"])
def test_not_an_image(data: bytes) -> None:
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(data)
    assert excinfo.value.code == "not_an_image"


def test_truncated_image_is_not_an_image() -> None:
    data = png_bytes(on_canvas(matrix_label("QRCode", "SN-CUT"), 0))
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(data[: len(data) // 2])
    assert excinfo.value.code == "not_an_image"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size in its IHDR but carries no pixels: enough to test header checks."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete, valid 40000x40000 1-bit PNG: 1.6 gigapixels, ~200 KB on disk."""
    side = 40_000
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + side // 8)  # filter byte + 5000 bytes of bits
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
                     + _png_chunk(b"IEND", b""))
    return path


def test_decompression_bomb_is_refused_from_its_header(bomb_png: Path) -> None:
    data = bomb_png.read_bytes()
    assert len(data) < 1_000_000
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(data)
    assert excinfo.value.code == "image_too_large"
    assert excinfo.value.details["pixels"] == 40_000 * 40_000


@pytest.mark.parametrize("width, height", [
    (8000, 7500),  # 60 MP: over our 50 MP limit, under Pillow's warning threshold
    (10000, 10000),  # 100 MP: Pillow would warn (an error under -W error); ours refuses first
    (40000, 40000),  # 1.6 GP: Pillow raises DecompressionBombError itself
    (70000, 2),  # few pixels, but longer than any decoder (or JPEG) handles
])
def test_too_many_pixels(width: int, height: int) -> None:
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(png_header_only(width, height))
    assert excinfo.value.code == "image_too_large"
    assert excinfo.value.details["pixels"] == width * height


def test_pixel_limit_is_the_callers() -> None:
    data = png_bytes(Image.new("L", (300, 200), 255))
    with pytest.raises(InvalidInputError) as excinfo:
        decode_image(data, max_pixels=300 * 200 - 1)
    assert excinfo.value.code == "image_too_large"
    assert excinfo.value.details == {"pixels": 60_000, "limit": 59_999}
    assert decode_image(data, max_pixels=300 * 200) == []


_SEED_FILES = {
    fmt: png_bytes(Image.fromarray(np.asarray(matrix_label("QRCode", "SN-FUZZ", 2))), fmt)
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(_SEED_FILES)),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
       keep=st.floats(0.0, 1.0))
def test_damaged_files_are_refused_not_crashed_on(fmt: str, edits: list[tuple[int, int]],
                                                   keep: float) -> None:
    """Flipped bytes and truncation anywhere in a real file: codes or a clean refusal."""
    data = bytearray(_SEED_FILES[fmt])
    for position, value in edits:
        data[position % len(data)] = value
    data = data[: int(len(data) * keep)] if keep < 1.0 else data
    try:
        codes = decode_image(bytes(data), max_pixels=1_000_000)
    except InvalidInputError as exc:
        assert exc.code in {"not_an_image", "image_too_large"}
    else:
        assert all(isinstance(code, Code) for code in codes)


@pytest.mark.parametrize("array", [
    np.zeros((10, 10, 3), np.uint8), np.zeros((10, 10), np.float32), np.zeros((0, 10), np.uint8),
    np.zeros((1, 70_000), np.uint8),
], ids=["colour", "float", "empty", "too-long"])
def test_decode_array_wants_8_bit_grayscale(array: np.ndarray) -> None:
    with pytest.raises(ValueError):
        decode_array(array)
