"""ZPL return-label figures: bytes per label size (typical, long and worst-case inputs), how
many of them are graphic fields, the render time, and how many contents lines were listed.

Run from the repository root:  .venv/bin/python bench/zpl_bench.py [--repeat N] [--dpi D]

"ms" is the median of N renders of one label in this process, each from cold caches of
drawn text (the fonts themselves stay loaded, as in a running server). "zebrash ms" is one
drawing of that label by Zebrash (tests/zpl, installed by `make setup-dev`), node's start-up
included; "-" when it is not installed. Every label is < 32 KB unless marked "OVER".
This is a script, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from depot.labels import LABEL_SIZES, render_label_zpl  # noqa: E402
from depot.labels import zpl as zpl_module  # noqa: E402
from tests.label_support import (  # noqa: E402
    LABEL,
    LONG,
    WORST,
    zebrash_missing,
    zebrash_render,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--dpi", type=int, default=203, choices=zpl_module.ZPL_DPIS)
    args = parser.parse_args()
    render_label_zpl([LABEL], dpi=args.dpi)  # warm up: fonts, caches
    zebrash = zebrash_missing() is None
    print(f"{args.dpi} dpi, budget {zpl_module.MAX_LABEL_BYTES} bytes a label")
    print(f"{'input':8} {'size':8} {'bytes':>8} {'^GF bytes':>10} {'^GF':>4} {'^FD':>4} "
          f"{'ms':>7} {'contents':>10} {'zebrash ms':>10}")
    for name, data in (("typical", LABEL), ("long", LONG), ("worst", WORST)):
        for size in LABEL_SIZES:
            times = []
            for _ in range(args.repeat):
                cached = getattr(zpl_module, "bitmap_field", None)
                if cached is not None:
                    cached.cache_clear()
                start = time.perf_counter()
                zpl = render_label_zpl([data], size, dpi=args.dpi)
                times.append(time.perf_counter() - start)
            graphics = re.findall(r"\^GF[^\^]*", zpl)
            text_fields = len(re.findall(r"\^FD", zpl))
            hidden = re.search(r"\(\+(\d+)\)\^FS", zpl)  # the "…(+N)" line, when one is
            listed = len(data.contents) - (int(hidden[1]) if hidden else 0)
            listed_text = f"{listed}/{len(data.contents)}" if "^FT" in zpl else "in bitmaps"
            drawn = "-"
            if zebrash:
                width, height = (pt * 25.4 / 72 for pt in LABEL_SIZES[size])
                with tempfile.TemporaryDirectory() as out:
                    start = time.perf_counter()
                    zebrash_render(zpl, width, height, Path(out), dpi=args.dpi)
                    drawn = f"{(time.perf_counter() - start) * 1000:.0f}"
            over = "" if len(zpl.encode()) < zpl_module.MAX_LABEL_BYTES else " OVER"
            print(f"{name:8} {size:8} {len(zpl.encode()):8} {sum(map(len, graphics)):10} "
                  f"{len(graphics):4} {text_fields:4} {statistics.median(times) * 1000:7.1f} "
                  f"{listed_text:>10} {drawn:>10}{over}")


if __name__ == "__main__":
    main()
