"""Decode-rate and speed benchmark: zxing-cpp alone, ZBar (pyzbar) alone, and Depot's cascade.

Run from the repository root:  .venv/bin/python bench/decode_bench.py [--quick]

Inputs: every photo in shared/data/barcodes (beside the repository) and a seeded set of
synthetic hard images (rotation, tiny modules, low contrast with uneven light, blur,
perspective, JPEG artefacts, 12-megapixel cluttered frames). Times are per image on an already
decoded grayscale array, single process; the image-file decode is reported separately.
This is a script, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import io
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import barcode
import cv2
import numpy as np
import zxingcpp
from PIL import Image
from pyzbar import pyzbar

from depot.scanning import decode_array, decode_image, load_gray
from depot.scanning.synthetic import cluttered_frame

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT.parent / "shared" / "data" / "barcodes"
C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
)


@dataclass
class Case:
    group: str
    name: str
    gray: np.ndarray
    truth: str


@dataclass
class Tally:
    hits: int = 0
    total: int = 0
    ms: list[float] = field(default_factory=list)

    def line(self) -> str:
        rate = 100.0 * self.hits / self.total if self.total else 0.0
        median = statistics.median(self.ms)
        return (f"{self.hits:4d}/{self.total:<4d} {rate:5.1f}%  median {median:7.1f} ms"
                f"  max {max(self.ms):7.1f} ms")


# ---------------------------------------------------------------------------------------------
# Decoders under test


def zxing_alone(gray: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(gray)]


def zbar_alone(gray: np.ndarray) -> list[str]:
    return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]


def cascade(gray: np.ndarray, trace: list[str]) -> list[str]:
    return [c.text for c in decode_array(gray, trace=trace)]


def texts_of_upload(data: bytes) -> list[str]:
    return [c.text for c in decode_image(data)]


def zxing_of_upload(data: bytes) -> list[str]:
    return zxing_alone(load_gray(data, max_bytes=len(data), max_pixels=10**8))


def timed(fn: Callable[..., list[str]], *args: object) -> tuple[list[str], float]:
    start = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - start) * 1000


# ---------------------------------------------------------------------------------------------
# Real photos


def real_cases() -> tuple[list[Case], list[float]]:
    cases, load_ms = [], []
    for path in sorted(PHOTOS.glob("*/*")):
        if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".gif"}:
            continue
        with open(path.with_suffix(".txt"), encoding="utf-8", newline="") as handle:
            truth = "".join(f"<{C0_NAMES[ord(c)]}>" if ord(c) < 32 and c not in "\t\r\n" else c
                            for c in handle.read())
        data = path.read_bytes()
        start = time.perf_counter()
        gray = load_gray(data, max_bytes=len(data), max_pixels=10**8)
        load_ms.append((time.perf_counter() - start) * 1000)
        cases.append(Case(path.parent.name, path.name, gray, truth))
    return cases, load_ms


# ---------------------------------------------------------------------------------------------
# Synthetic hard images


def linear(kind: str, text: str, module_px: int, height_px: int = 50) -> Image.Image:
    cls = barcode.get_barcode_class(kind)
    code = cls(text, add_checksum=False) if kind == "code39" else cls(text)
    row = np.array([0 if m == "1" else 255 for m in "".join(code.build())], np.uint8)
    row = np.pad(row, 10, constant_values=255).repeat(module_px)
    return Image.fromarray(np.pad(np.tile(row, (height_px, 1)), ((8, 8), (0, 0)),
                                  constant_values=255))


def full_text(kind: str, text: str) -> str:
    return barcode.get_barcode_class(kind)(text).get_fullcode() if kind == "ean13" else text


def matrix(fmt: str, text: str, scale: int) -> Image.Image:
    symbol = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, fmt))
    pixels = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=scale))
    return Image.fromarray(np.pad(pixels, 4 * scale, constant_values=255))


def canvas(label: Image.Image, angle: float, side: int = 0, background: int = 185) -> np.ndarray:
    turned = label.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    side = side or max(640, max(turned.size) + 160)
    out = Image.new("L", (side, side), background)
    out.paste(turned, ((side - turned.width) // 2, (side - turned.height) // 2))
    return np.asarray(out)


def uneven(gray: np.ndarray, contrast: float, rng: np.random.Generator) -> np.ndarray:
    low = 128 - 128 * contrast
    light = np.linspace(0.5, 1.2, gray.shape[1])[None, :] * rng.uniform(0.9, 1.1)
    return ((low + gray * contrast) * light).clip(0, 255).astype(np.uint8)


def perspective(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = gray.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-0.12, 0.12, (4, 2)).astype(np.float32) * np.float32([w, h])
    matrix_ = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(gray, matrix_, (w, h), borderValue=185)


def jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


def noisy(gray: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    return (gray + rng.normal(0, sigma, gray.shape)).clip(0, 255).astype(np.uint8)


def in_frame(frame: Image.Image, label: Image.Image, angle: float, rng: np.random.Generator,
             sigma: float) -> np.ndarray:
    out = frame.copy()
    turned = label.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    mask = Image.new("L", label.size, 255).rotate(angle, expand=True, fillcolor=0)
    out.paste(turned, (int(rng.integers(200, 3000)), int(rng.integers(200, 2200))), mask)
    return noisy(np.asarray(out, np.float32), sigma, rng)


def synthetic_cases(quick: bool) -> Iterator[Case]:
    rng = np.random.default_rng(2026)
    ones = [("code128", "RMA-2026-000123"), ("code39", "SN12345X"), ("ean13", "400638133393")]
    step = 45 if quick else 15
    for kind, text in ones:
        for angle in range(0, 360, step):
            yield Case("rotated-1d", f"{kind}@{angle}", canvas(linear(kind, text, 2), angle),
                       full_text(kind, text))
    for kind, text in ones:
        for module in (1, 2):
            for angle in (0, 4, 12):
                label = canvas(linear(kind, text, module, 30), angle)
                yield Case("tiny-modules", f"{kind}-m{module}@{angle}",
                           noisy(label.astype(np.float32), 4, rng), full_text(kind, text))
    for index, angle in enumerate((0, 8, 23, 90, 160)):
        for contrast in (0.5, 0.3):
            gray = uneven(canvas(linear("code128", "SN-77821-B", 2), angle), contrast, rng)
            yield Case("low-contrast-uneven", f"c128-{contrast}@{angle}", gray, "SN-77821-B")
            qr = uneven(canvas(matrix("QRCode", f"SN-QR-{index}", 3), angle), contrast, rng)
            yield Case("low-contrast-uneven", f"qr-{contrast}@{angle}", qr, f"SN-QR-{index}")
    for sigma in (0.8, 1.2, 1.6):
        for kind, text in ones:
            gray = cv2.GaussianBlur(canvas(linear(kind, text, 3), 10), (0, 0), sigma)
            yield Case("blur", f"{kind}-s{sigma}", gray, full_text(kind, text))
    for index in range(6 if quick else 12):
        kind, text = ones[index % 3]
        yield Case("perspective", f"{kind}-{index}",
                   perspective(canvas(linear(kind, text, 3), rng.uniform(0, 360)), rng),
                   full_text(kind, text))
        for fmt in ("QRCode", "DataMatrix"):
            label = canvas(matrix(fmt, f"SN-P-{index}", 4), rng.uniform(0, 360))
            yield Case("perspective", f"{fmt}-{index}", perspective(label, rng), f"SN-P-{index}")
    for fmt in ("QRCode", "DataMatrix"):
        for scale in (2, 3):
            for angle in range(0, 360, 90 if quick else 30):
                gray = noisy(canvas(matrix(fmt, "SN-2D-0042", scale), angle).astype(np.float32),
                             6, rng)
                yield Case("rotated-2d-noisy", f"{fmt}-s{scale}@{angle}", jpeg(gray, 60),
                           "SN-2D-0042")
    frame = cluttered_frame(rng)
    big = [("code128", linear("code128", "RMA-2026-000777", 2), "RMA-2026-000777"),
           ("code128-m3", linear("code128", "RMA-2026-000888", 3), "RMA-2026-000888"),
           ("qrcode", matrix("QRCode", "SN-12MP-QR", 4), "SN-12MP-QR"),
           ("datamatrix", matrix("DataMatrix", "SN-12MP-DM", 4), "SN-12MP-DM")]
    for name, label, truth in big:
        for angle in ((0, 30) if quick else (0, 30, 75, 140)):
            for sigma in (2, 6):
                yield Case("12mp-frame", f"{name}@{angle}-n{sigma}",
                           in_frame(frame, label, angle, rng, sigma), truth)


# ---------------------------------------------------------------------------------------------
# Running and reporting


def run(cases: list[Case], title: str, detail: bool) -> None:
    groups: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    ordinary: list[tuple[float, float]] = []  # (zxing ms, cascade ms) where zxing alone reads it
    steps: Counter[str] = Counter()
    odd: list[str] = []
    for case in cases:
        got_z, ms_z = timed(zxing_alone, case.gray)
        got_b, ms_b = timed(zbar_alone, case.gray)
        trace: list[str] = []
        got_c, ms_c = timed(cascade, case.gray, trace)
        hit_z, hit_b, hit_c = (case.truth in g for g in (got_z, got_b, got_c))
        if hit_z:
            ordinary.append((ms_z, ms_c))
        for key in (case.group, "ALL"):
            for name, hit, ms in (("zxing", hit_z, ms_z), ("zbar", hit_b, ms_b),
                                  ("cascade", hit_c, ms_c)):
                tally = groups[key][name]
                tally.hits += hit
                tally.total += 1
                tally.ms.append(ms)
        steps[trace[0] if hit_c and trace else ("MISSED" if not hit_c else "?")] += 1
        if detail and (not hit_z or not hit_c):
            odd.append(f"  {case.group}/{case.name}: zxing={'Y' if hit_z else '-'} "
                       f"zbar={'Y' if hit_b else '-'} cascade={'Y' if hit_c else '-'}"
                       f" via {trace or '-'}" + ("" if hit_c else f" got {got_c[:2]!r}"))
        if (hit_z or hit_b) and not hit_c:
            odd.append(f"  REGRESSION {case.group}/{case.name}: a single library reads it")
    print(f"\n=== {title} ({len(cases)} images) ===")
    for group, tallies in sorted(groups.items(), key=lambda kv: (kv[0] == "ALL", kv[0])):
        print(f"{group}")
        for name in ("zxing", "zbar", "cascade"):
            print(f"    {name:8s} {tallies[name].line()}")
    print("cascade: first step that found the truth ->", dict(steps))
    if ordinary:
        med_z = statistics.median(z for z, _ in ordinary)
        med_c = statistics.median(c for _, c in ordinary)
        print(f"on the {len(ordinary)} images zxing alone reads: zxing median {med_z:.1f} ms, "
              f"cascade median {med_c:.1f} ms ({med_c / med_z:.2f}x); total "
              f"{sum(z for z, _ in ordinary):.0f} vs {sum(c for _, c in ordinary):.0f} ms")
    if odd:
        print("images where zxing alone or the cascade missed:")
        print("\n".join(odd))


def end_to_end_12mp() -> None:
    """What an upload costs: 12 MP phone-style JPEG bytes in, codes out (file decode included)."""
    rng = np.random.default_rng(12)
    frame = cluttered_frame(rng)
    labels = [("code128@0", linear("code128", "RMA-2026-000999", 2), 0),
              ("code128@30", linear("code128", "RMA-2026-000999", 2), 30),
              ("datamatrix@20", matrix("DataMatrix", "SN-E2E-DM", 4), 20),
              ("nothing", Image.new("L", (10, 10), 128), 0)]
    print("\n=== 12 MP end to end: JPEG bytes -> decode_image (file decode included) ===")
    for name, label, angle in labels:
        gray = in_frame(frame, label, angle, rng, 4)
        buffer = io.BytesIO()
        Image.fromarray(gray).convert("RGB").save(buffer, "JPEG", quality=90)
        data = buffer.getvalue()
        runs = []
        for _ in range(3):
            codes, ms = timed(texts_of_upload, data)
            runs.append(ms)
        zx, zms = timed(zxing_of_upload, data)
        print(f"  {name:14s} cascade {statistics.median(runs):7.1f} ms (best {min(runs):.1f}) "
              f"-> {codes}   zxing alone incl. file decode {zms:7.1f} ms -> {zx}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer synthetic images")
    args = parser.parse_args()
    if PHOTOS.is_dir():
        cases, load_ms = real_cases()
        print(f"image file decode (Pillow, grayscale): median {statistics.median(load_ms):.1f} ms,"
              f" max {max(load_ms):.1f} ms")
        run(cases, f"real photos in {PHOTOS}", detail=True)
    else:
        print(f"no real photos at {PHOTOS}")
    run(list(synthetic_cases(args.quick)), "synthetic hard images", detail=True)
    end_to_end_12mp()


if __name__ == "__main__":
    main()
