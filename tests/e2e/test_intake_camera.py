"""The intake screen's camera: Chromium's fake camera plays a label, the server decodes frames.

Linux Chromium has no BarcodeDetector, so the page posts frames to /api/v1/scans (multipart
`image`) and the server decodes them. The camera is a .y4m file (raw YUV 4:2:0 frames) showing a
Code 128 label of a known unit's serial, played in a loop by --use-file-for-fake-video-capture.
"""
from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import barcode
import pytest
from barcode.writer import ImageWriter
from PIL import Image
from playwright.sync_api import Playwright, expect

from tests.e2e.conftest import (
    csp_violations,
    launch_chromium,
    log_in,
    new_context,
    page_errors,
    release_db,
)

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT, FRAMES = 640, 480, 20


def label_frame(text: str) -> Image.Image:
    """A Code 128 label of `text`, 3 pixels per module, centred on a white 640x480 frame."""
    options = {"module_width": 3 * 25.4 / 200, "module_height": 12, "quiet_zone": 4, "dpi": 200,
               "write_text": False}
    label = barcode.get("code128", text, writer=ImageWriter()).render(options)
    assert label.width <= WIDTH - 40, "the serial is too long for a 640-pixel frame"
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(label, ((WIDTH - label.width) // 2, (HEIGHT - label.height) // 2))
    return frame


def write_y4m(frame: Image.Image, path: Path, frames: int = FRAMES) -> Path:
    """Raw YUV4MPEG2, 4:2:0: per frame the Y plane, then Cb and Cr at half size each way."""
    y, cb, cr = frame.convert("YCbCr").split()
    half = (frame.width // 2, frame.height // 2)
    planes = y.tobytes() + cb.resize(half, Image.Resampling.BOX).tobytes() + \
        cr.resize(half, Image.Resampling.BOX).tobytes()
    assert len(planes) == frame.width * frame.height * 3 // 2
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{frame.width} H{frame.height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(planes)
    return path


@pytest.fixture
def camera_label(tmp_path: Path, make_unit) -> tuple[str, Path]:
    serial = "CAM0012345"
    make_unit(serial, purchase_date=date.today() - timedelta(days=40))
    release_db()
    return serial, write_y4m(label_frame(serial), tmp_path / "label.y4m")


def test_camera_scan_finds_the_unit(playwright: Playwright, live_server: str, clerk,
                                    camera_label, shots):
    serial, video = camera_label
    browser = launch_chromium(playwright, "--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video.resolve()}")
    try:
        context = new_context(browser, live_server)
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        errors = page_errors(page)
        blocked = csp_violations(page)
        frames: list[int] = []
        page.on("request", lambda r: frames.append(1)
                if r.method == "POST" and r.url.endswith("/api/v1/scans") else None)
        log_in(page, *clerk)

        started = time.perf_counter()
        page.locator("#camera-button").click()
        expect(page.locator("#unit-panel")).to_be_visible()
        took = time.perf_counter() - started
        print(f"\ncamera scan: button -> unit panel in {took * 1000:.0f} ms, "
              f"{len(frames)} frame(s) posted")

        expect(page.locator("#unit-serial")).to_have_text(serial)
        expect(page.locator("#scan-status")).to_have_attribute("data-state", "ok")
        expect(page.locator("#warranty-status")).to_have_attribute("data-status", "in_warranty")
        expect(page.locator("#camera")).to_be_hidden()  # the camera stops once a code is read
        assert page.evaluate("document.getElementById('camera-video').srcObject === null || "
                             "document.getElementById('camera-video').srcObject.getTracks()"
                             ".every((t) => t.readyState === 'ended')")
        expect(page.locator("#fault")).to_be_focused()
        page.screenshot(path=shots / "intake-camera.png", full_page=True)
        assert not errors, f"uncaught errors in the page: {errors}"
        assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
        context.close()
    finally:
        browser.close()
