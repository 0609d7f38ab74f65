"""Synthetic scenes for tests and benchmarks: what surrounds a label on a bench photo."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw


def cluttered_frame(rng: np.random.Generator, size: tuple[int, int] = (4000, 3000)
                    ) -> Image.Image:
    """A grey frame (12 MP by default) of uneven light, boxes and lines."""
    width, height = size
    light = rng.normal(128, 40, (30, 40)).astype(np.float32)
    frame = Image.fromarray(cv2.resize(light, (width, height), interpolation=cv2.INTER_CUBIC)
                            .clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(frame)
    for _ in range(60):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        draw.rectangle([x, y, x + int(rng.integers(20, 400)), y + int(rng.integers(20, 300))],
                       fill=int(rng.integers(0, 256)))
    for _ in range(200):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        draw.line([x, y, x + int(rng.integers(-300, 300)), y + int(rng.integers(-300, 300))],
                  fill=int(rng.integers(0, 256)), width=int(rng.integers(1, 5)))
    return frame
